import path from 'node:path';
import { lookup } from 'node:dns/promises';
import type { Env, LoadedConfig } from '../config/index.js';
import { createRunStore } from '../drills/index.js';
import { copyRegistryStore } from '../copy/index.js';
import type { Clock, Logger } from '../domain/index.js';
import { cachedInspector, openVerdictCache } from '../freshness/index.js';
import type { Runtime } from '../jobs/index.js';
import { createDumpDirCatalog, createFileInspector, createLeaseStore, createLocalRegionStore, type RegionStore } from '../providers/index.js';
import { canaryTargetFor } from './canary-targets.js';
import { openLedger } from './open-ledger.js';
import { sandboxFactory } from './sandbox-factory.js';
import { sourceIdentities } from './source-identity.js';

/** Wires the embedded-mode parts for a loaded config: local providers, sandboxes and the filesystem ledger. */
export async function createRuntime(config: LoadedConfig, base: { clock: Clock; logger: Logger; env?: Env }): Promise<Runtime> {
  const ledger = await openLedger(config, base);
  const verdicts = await openVerdictCache(path.join(config.stateDir, 'verdicts.json'));
  return {
    clock: base.clock,
    logger: base.logger,
    config,
    ledger,
    leases: createLeaseStore(path.join(config.stateDir, 'leases')),
    runs: createRunStore(path.join(config.stateDir, 'runs')),
    sandbox: sandboxFactory(config, base.env ?? {}),
    resolveHost: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
    sourceIdentity: sourceIdentities(config, base.env ?? {}),
    random: Math.random,
    registry: copyRegistryStore(config.stateDir),
    store: regionStores(config),
    canaryTarget: (id) => canaryTargetFor(config, config.resources.get(id)!, base.env ?? {}),
    catalog: createDumpDirCatalog(config.regionRoots),
    // Every reader of backups (freshness, copies, drills) shares one memory of verdicts.
    inspector: cachedInspector(createFileInspector(base.clock), verdicts),
    verdicts,
    close: async () => {
      await verdicts.save();
      await ledger.close();
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
