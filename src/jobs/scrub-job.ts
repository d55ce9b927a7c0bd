import { stopwatch } from '../domain/index.js';
import { verifyCopies, type VerifyResult } from '../copy/index.js';
import { createPacer, scrubBackups, type ScrubVerdict } from '../freshness/index.js';
import { createFileInspector } from '../providers/index.js';
import type { JobHandler, Runtime } from './types.js';

export interface ScrubResult {
  rate: number | null;
  backups: ScrubVerdict[];
  copies: VerifyResult;
  bytes: number;
  durationMs: number;
}

/**
 * One scrub: every backup of the chosen resources, then every verified copy, re-hashed at
 * no more than `rate` bytes/s in total (one pacer for both), each verdict in the ledger.
 */
export async function scrub(runtime: Runtime, opts: { rate?: number; resources?: readonly string[]; signal?: AbortSignal } = {}): Promise<ScrubResult> {
  const elapsed = stopwatch();
  const rate = opts.rate ?? runtime.config.estate.scrub?.rate;
  let bytes = 0;
  const limit = rate ? createPacer(rate) : undefined;
  const pace = async (n: number, signal?: AbortSignal) => {
    bytes += n;
    await limit?.(n, signal);
  };
  const inspector = createFileInspector(runtime.store, runtime.clock, { pace });
  const backups = await scrubBackups(runtime.config, { ...runtime, signal: opts.signal }, inspector, { resources: opts.resources });
  const copies = await verifyCopies({ ...runtime, signal: opts.signal }, { resources: opts.resources, pace });
  const result = { rate: rate ?? null, backups, copies, bytes, durationMs: elapsed() };
  await runtime.events.record('scrub.completed', 'scrub', { rate: result.rate, backups: backups.length, backupsBad: backups.filter((b) => !b.ok).length, copies: copies.checked, copiesBad: copies.bad.length, bytes, durationMs: result.durationMs });
  return result;
}

export const scrubJob: JobHandler = async ({ runtime, signal }, schedule) => {
  const r = await scrub(runtime, { signal, ...(schedule.job === 'scrub' ? { rate: schedule.rate, resources: schedule.resources } : {}) });
  const bad = r.backups.filter((b) => !b.ok);
  return {
    ok: bad.length === 0 && r.copies.bad.length === 0,
    summary: `${r.backups.length} backups and ${r.copies.checked} copies re-hashed, ${bad.length + r.copies.bad.length} bad`,
    details: { bytes: r.bytes, rate: r.rate, bad: [...bad.map((b) => `${b.resource}: ${b.name}: ${b.reason}`), ...r.copies.bad.map((c) => `${c.key} in ${c.region}: ${c.problem}`)] },
  };
};
