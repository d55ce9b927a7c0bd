import { performance } from 'node:perf_hooks';
import { setTimeout as sleepMs } from 'node:timers/promises';

export type Pace = (bytes: number, signal?: AbortSignal) => Promise<void>;

/**
 * A rate limit for reading: awaited after each chunk, it waits until the bytes read so far
 * fit under `bytesPerSec` since the first read. Time and sleep are injectable for tests.
 */
export function createPacer(bytesPerSec: number, t: { now?: () => number; sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown> } = {}): Pace {
  const now = t.now ?? (() => performance.now());
  const sleep = t.sleep ?? ((ms: number, signal?: AbortSignal) => sleepMs(ms, undefined, { signal }));
  let start: number | undefined;
  let consumed = 0;
  return async (bytes, signal) => {
    start ??= now();
    consumed += bytes;
    const ahead = (consumed / bytesPerSec) * 1000 - (now() - start);
    if (ahead > 1) await sleep(ahead, signal);
  };
}
