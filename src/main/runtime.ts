import { lookup } from 'node:dns/promises';
import type { Env, LoadedConfig } from '../config/index.js';
import type { Clock, Logger } from '../domain/index.js';
import { cachedInspector, openVerdictCache } from '../freshness/index.js';
import type { Runtime } from '../jobs/index.js';
import { createDumpDirCatalog, createFileInspector, createLocalRegionStore, type BackupRef, type RegionStore, type Verdict } from '../providers/index.js';
import { createEventRecorder, createLocalBus } from '../events/index.js';
import { alertBookOver, keepingFacts } from '../alerts/index.js';
import { canaryTargetFor } from './canary-targets.js';
import { openLedger } from './open-ledger.js';
import { openStateStore } from './open-state.js';
import { sandboxFactory } from './sandbox-factory.js';
import { sourceIdentities } from './source-identity.js';

/** Wires the parts for a loaded config: local providers, sandboxes, the state store and the ledger. */
export async function createRuntime(config: LoadedConfig, base: { clock: Clock; logger: Logger; env?: Env }): Promise<Runtime> {
  const state = await openStateStore(config, base.env ?? {});
  const ledger = await openLedger(config, base).catch(async (err: unknown) => {
    await state.close();
    throw err;
  });
  const verdicts = await openVerdictCache(state.verdicts);
  const store = regionStores(config);
  // One process's bus; distributed workers record on a Redis-stream bus of their own (queue/workers.ts).
  const bus = createLocalBus(base.logger);
  // Facts an event tells alerting (a verification, a scrub) are kept in the state, whichever process told them.
  const events = keepingFacts(createEventRecorder({ ledger, bus, logger: base.logger }), alertBookOver(state.alerts), base.clock, base.logger);
  // A verdict is live news (metrics), not evidence: told without waiting, never failing the read.
  const onVerdict = (b: BackupRef, v: Verdict) =>
    void events.record('backup.verdict', b.resourceId, { resource: b.resourceId, region: b.region, name: b.name, usable: v.usable, reason: v.reason ?? null, sha256: v.sha256 ?? null }).catch(() => undefined);
  return {
    clock: base.clock,
    logger: base.logger,
    config,
    ledger,
    events,
    bus,
    state,
    leases: state.leases,
    runs: state.runs,
    sandbox: sandboxFactory(config, base.env ?? {}),
    resolveHost: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
    sourceIdentity: sourceIdentities(config, base.env ?? {}),
    random: Math.random,
    registry: state.copies,
    store,
    canaryTarget: (id) => canaryTargetFor(config, config.resources.get(id)!, base.env ?? {}),
    catalog: createDumpDirCatalog(config.regionRoots),
    // Every reader of backups (freshness, copies, drills) shares one memory of verdicts.
    inspector: cachedInspector(createFileInspector(store, base.clock), verdicts, onVerdict),
    verdicts,
    close: async () => {
      try {
        await verdicts.save();
        await bus.close();
        await ledger.close();
      } finally {
        await state.close();
      }
    },
  };
}

/** One store per region, made on first use. */
function regionStores(config: LoadedConfig): (region: string) => RegionStore {
  const stores = new Map<string, RegionStore>();
  return (region) => {
    let s = stores.get(region);
    if (!s) {
      const root = config.regionRoots.get(region);
      if (!root) throw new Error(`unknown region ${region}`);
      s = createLocalRegionStore(region, root);
      stores.set(region, s);
    }
    return s;
  };
}
