import type { LoadedConfig, Resource } from '../config/index.js';
import { messageOf, type Logger } from '../domain/index.js';
import { event, type EventRecorder, type LifeboatEvent } from '../events/index.js';
import type { BackupCatalog, BackupInspector } from '../providers/index.js';
import { recheckBackup, type VerdictCache } from './verdict-cache.js';

export interface ScrubVerdict {
  resource: string;
  region: string;
  name: string;
  ok: boolean;
  reason?: string;
  bytes: number;
}

/**
 * Re-hashes every backup of the chosen resources (not only the newest: a drill may pick any
 * of them) with an inspector that keeps to the scrub's rate limit. Each verdict goes into
 * the verdict cache, so freshness sees rot at its next sweep, and is recorded (the ledger keeps it).
 */
export async function scrubBackups(
  config: LoadedConfig,
  deps: { catalog: BackupCatalog; verdicts: VerdictCache; events: EventRecorder; logger: Logger; signal?: AbortSignal },
  inspector: BackupInspector,
  opts: { resources?: readonly string[] } = {},
): Promise<ScrubVerdict[]> {
  const selected: Resource[] = opts.resources ? opts.resources.map((id) => config.resources.get(id)!).filter(Boolean) : [...config.resources.values()];
  const out: ScrubVerdict[] = [];
  for (const resource of selected) {
    const entries: LifeboatEvent[] = [];
    try {
      for (const b of await deps.catalog.list(resource)) {
        deps.signal?.throwIfAborted();
        const v = await recheckBackup(b, inspector, deps.verdicts, deps.signal);
        const verdict: ScrubVerdict = { resource: resource.id, region: b.region, name: b.name, ok: v.usable, reason: v.reason, bytes: v.bytesRead };
        out.push(verdict);
        entries.push(event('scrub.verdict', resource.id, { kind: 'backup', region: b.region, name: b.name, ok: v.usable, reason: v.reason ?? null, sha256: v.sha256 ?? null, bytes: v.bytesRead }));
        if (!v.usable) deps.logger.error({ resource: resource.id, backup: b.name }, `scrub: backup ${b.name} of ${resource.id}: ${v.reason}`);
      }
    } catch (err) {
      if (deps.signal?.aborted) throw err;
      const reason = `could not list: ${messageOf(err)}`;
      out.push({ resource: resource.id, region: resource.region, name: '', ok: false, reason, bytes: 0 });
      entries.push(event('scrub.verdict', resource.id, { kind: 'backup', region: resource.region, name: null, ok: false, reason, sha256: null, bytes: 0 }));
    } finally {
      await deps.events.recordMany(entries);
    }
  }
  await deps.verdicts.save();
  return out;
}
