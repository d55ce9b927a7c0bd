import { rpoOf, type LoadedConfig, type Resource } from '../config/index.js';
import { messageOf, mapLimit } from '../domain/index.js';
import type { BackupDeps } from './backup-deps.js';
import { classify, type Inspected } from './classify.js';
import type { FreshnessResult } from './types.js';
import type { VerdictCache } from './verdict-cache.js';

export interface SweepDeps extends BackupDeps {
  verdicts: VerdictCache;
}

export interface SweepOptions {
  /** Only these resources; all when absent. */
  resources?: readonly string[];
  concurrency?: number;
  signal?: AbortSignal;
}

export interface SweepStats {
  resources: number;
  backupsListed: number;
  backupsInspected: number;
  bytesInspected: number;
  durationMs: number;
}

const PREFETCH_FROM = 200;
const PREFETCH_CHUNK = 1000;

/** Checks every resource's newest usable backup against its RPO, with bounded concurrency. */
export async function sweepFreshness(config: LoadedConfig, deps: SweepDeps, opts: SweepOptions = {}): Promise<{ results: FreshnessResult[]; stats: SweepStats }> {
  // One "now" for the whole sweep: every age in a report is measured from the same instant.
  const now = deps.clock.now();
  const started = now.getTime();
  const stats: SweepStats = { resources: 0, backupsListed: 0, backupsInspected: 0, bytesInspected: 0, durationMs: 0 };
  const defaults = config.estate.defaults ?? {};
  const selected = opts.resources ? opts.resources.map((id) => config.resources.get(id)!).filter(Boolean) : [...config.resources.values()];
  const seen = new Set<string>();

  /** `listingFailed`: the batch listing meant to read this resource's folder failed, so nothing was read. */
  const checkOne = async (resource: Resource, listingFailed?: unknown): Promise<FreshnessResult> => {
    const rpoMs = rpoOf(resource, config.estate);
    const graceMs = resource.grace ?? defaults.grace ?? 0;
    try {
      if (listingFailed !== undefined) throw new Error(`listing its folder on the worker thread failed: ${messageOf(listingFailed)}`);
      const backups = await deps.catalog.list(resource);
      stats.backupsListed += backups.length;
      const inspected: Inspected[] = [];
      for (const backup of backups) {
        seen.add(backup.location);
        if (inspected.length && inspected[inspected.length - 1]!.verdict.usable) continue;
        let verdict = deps.verdicts.get(backup);
        if (!verdict) {
          opts.signal?.throwIfAborted();
          verdict = await deps.inspector.inspect(backup, opts.signal);
          deps.verdicts.set(backup, verdict);
          stats.backupsInspected++;
          stats.bytesInspected += verdict.bytesRead;
        }
        inspected.push({ backup, verdict });
      }
      return classify({ resource, now, rpoMs, graceMs, total: backups.length, inspected });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      deps.logger.warn({ resource: resource.id, err: messageOf(err) }, 'freshness: could not check resource');
      return {
        resource: resource.id,
        kind: resource.kind,
        region: resource.region,
        status: 'unknown',
        reason: `could not check: ${messageOf(err)}`,
        rpoMs,
        graceMs,
        backups: 0,
        checkedAt: now.toISOString(),
      };
    }
  };

  // Large sweeps read their folders in batches off the main thread, the next batch being
  // read while this one is judged; small sweeps are not worth a worker.
  const concurrency = opts.concurrency ?? defaults.concurrency ?? 32;
  // A failed batch is not papered over by listing on the main thread (which the batch exists to
  // spare): each of its resources is unknown, with the reason, and the next sweep tries again.
  const prefetch = (chunk: Resource[]): Promise<{ failed?: unknown }> =>
    (deps.catalog.prefetch?.(chunk) ?? Promise.resolve()).then(
      () => ({}),
      (err: unknown) => {
        deps.logger.error({ err: messageOf(err), resources: chunk.length }, 'freshness: batch listing on the worker thread failed; its resources are unknown');
        return { failed: err ?? new Error('no reason given') };
      },
    );
  const results: FreshnessResult[] = [];
  if (selected.length >= PREFETCH_FROM && deps.catalog.prefetch) {
    const chunks = Array.from({ length: Math.ceil(selected.length / PREFETCH_CHUNK) }, (_, i) => selected.slice(i * PREFETCH_CHUNK, (i + 1) * PREFETCH_CHUNK));
    let ahead = prefetch(chunks[0]!);
    for (let i = 0; i < chunks.length; i++) {
      const { failed } = await ahead;
      if (i + 1 < chunks.length) ahead = prefetch(chunks[i + 1]!);
      results.push(...(await mapLimit(chunks[i]!, concurrency, (r) => checkOne(r, failed))));
    }
  } else results.push(...(await mapLimit(selected, concurrency, (r) => checkOne(r))));
  stats.resources = results.length;
  if (!opts.resources && results.every((r) => r.status !== 'unknown')) deps.verdicts.retainOnly(seen);
  await deps.verdicts.save();
  stats.durationMs = deps.clock.now().getTime() - started;
  return { results, stats };
}
