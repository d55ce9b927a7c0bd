import { copyStatus } from '../copy/index.js';
import { recordFreshness, sweepFreshness, type FreshnessResult, type SweepStats } from '../freshness/index.js';
import type { Runtime } from './types.js';

/** Freshness of every resource and copy lag of every copy destination, recorded as evidence. */
export async function checkAll(runtime: Runtime, opts: { resources?: readonly string[]; signal?: AbortSignal } = {}): Promise<{ results: FreshnessResult[]; stats: SweepStats; recorded: number }> {
  const { results, stats } = await sweepFreshness(runtime.config, runtime, { resources: opts.resources, signal: opts.signal });
  const copies = (await copyStatus(runtime.config, runtime.catalog, await runtime.registry.read(), runtime.clock.now())).filter((c) => !opts.resources || opts.resources.includes(c.resource));
  const all = [...results, ...copies];
  const entries = await recordFreshness(all, { events: runtime.events, freshness: runtime.state.freshness });
  await runtime.live?.freshness(all);
  return { results: all, stats, recorded: entries.length };
}
