import { expect, it } from 'vitest';
import type { DrillRun, RunFilter, RunStore } from '../../../src/drills/index.js';
import type { Backend } from './backends.js';
import { history, oldestFirst } from './runs.js';

/** Follows `next` from the first page to the last, collecting ids; checks each page's size on the way. */
async function pageIds(runs: RunStore, filter: RunFilter, limit: number): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await runs.page({ ...filter, limit, cursor });
    if (page.next) expect(page.runs).toHaveLength(limit);
    for (const r of page.runs) out.push(r.runId);
    cursor = page.next;
  } while (cursor);
  return out;
}

const newestIds = (runs: readonly DrillRun[]) =>
  [...runs]
    .sort(oldestFirst)
    .reverse()
    .map((r) => r.runId);

export function historyContract(backend: Backend): void {
  // Drill names where one is a prefix of another, as a filter on names alone would confuse.
  it('large history: 100,000 runs of 3 drills page through whole, newest first, no duplicates', { timeout: 180_000 }, async () => {
    const place = await backend.open();
    const runs = history(100_000, ['db', 'db-eu', 'files']);
    await place.seedRuns(runs);

    // Pages of 5,000 (the files backend lists the folder for each page: 20 listings, not 100).
    const all = await pageIds(place.store.runs, {}, 5000);
    expect(all).toHaveLength(100_000);
    expect(new Set(all).size).toBe(100_000);
    expect(all).toEqual(newestIds(runs));

    const db = await pageIds(place.store.runs, { drill: 'db' }, 2000);
    const want = newestIds(runs.filter((r) => r.drill === 'db'));
    expect(db).toHaveLength(want.length);
    expect(db).toEqual(want);
  });
}
