import type { DrillRun } from '../drills/index.js';

type Ordered = Pick<DrillRun, 'startedAt' | 'runId'>;

/** Sort comparator, newest first: by start time, then run id. Negative when `a` comes first. */
export function newestFirst(a: Ordered, b: Ordered): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? 1 : -1;
  return a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0;
}

/** A page cursor: the last run of a page, opaque to callers. */
export function encodeRunCursor(run: Ordered): string {
  return Buffer.from(JSON.stringify([run.startedAt, run.runId])).toString('base64url');
}

export function decodeRunCursor(cursor: string): Ordered {
  try {
    const [startedAt, runId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof startedAt === 'string' && typeof runId === 'string' && !Number.isNaN(Date.parse(startedAt))) return { startedAt, runId };
  } catch {
    // Falls through to the error below.
  }
  throw new RangeError(`not a run page cursor: ${cursor.slice(0, 40)}`);
}
