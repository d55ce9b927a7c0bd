import { expect, it } from 'vitest';
import type { DrillRun, RunFilter, RunStore } from '../../../src/drills/index.js';
import type { Backend } from './backends.js';
import { makeRun, oldestFirst, shuffled, stepsOf } from './runs.js';

/** Every page from the first, following `next`, checking each page's size and where `next` appears. */
export async function allPages(runs: RunStore, filter: RunFilter, limit: number): Promise<DrillRun[][]> {
  const pages: DrillRun[][] = [];
  let cursor: string | undefined;
  do {
    const page = await runs.page({ ...filter, limit, cursor });
    pages.push(page.runs);
    cursor = page.next;
    if (cursor) expect(page.runs).toHaveLength(limit);
    else expect(page.runs.length).toBeLessThanOrEqual(limit);
    if (pages.length > 1e6) throw new Error('page cursors never end');
  } while (cursor);
  return pages;
}

const ids = (runs: readonly DrillRun[]) => runs.map((r) => r.runId);
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);

/** Drills 'a' and 'a-b' (one name a prefix of the other), two phases, two job keys, a tie on startedAt. */
function mixedRuns(): DrillRun[] {
  const runs: DrillRun[] = [];
  for (let i = 0; i < 12; i++) {
    runs.push(makeRun({ drill: i % 3 === 0 ? 'a-b' : 'a', at: at(i * 61_000 + (i % 4) * 7), phase: i % 2 ? 'failed' : 'passed', jobKey: i % 3 === 1 ? 'job-x' : 'job-y' }));
  }
  // Two runs starting the same millisecond: their ids decide.
  runs.push(makeRun({ drill: 'a', at: at(5 * 61_000), random: () => 0.9 }), makeRun({ drill: 'a-b', at: at(5 * 61_000), random: () => 0.1 }));
  return runs;
}

export function runsContract(backend: Backend): void {
  it('runs: get returns what save wrote; a later save overwrites it', async () => {
    const { store } = await backend.open();
    const run = makeRun({ drill: 'nightly', at: at(0), phase: 'running', jobKey: 'drill:nightly:1', steps: 1 });
    await store.runs.save(run);
    expect(await store.runs.get(run.runId)).toEqual(run);
    for (let n = 2; n <= 7; n++) {
      const next: DrillRun = { ...run, steps: stepsOf(at(0), n), lastSeenAt: at(n * 1000).toISOString() };
      await store.runs.save(next);
      expect(await store.runs.get(run.runId)).toEqual(next);
    }
    const done: DrillRun = { ...run, phase: 'passed', endedAt: at(60_000).toISOString(), steps: stepsOf(at(0), 7), score: { passed: true, score: 97, reasons: [] } as unknown as DrillRun['score'], phases: { restore: 1200 } };
    await store.runs.save(done);
    expect(await store.runs.get(run.runId)).toEqual(done);
    expect(await store.runs.list()).toEqual([done]);
    // Filters see the latest save, not the first.
    expect(await store.runs.list({ phase: 'running' })).toEqual([]);
    expect(await store.runs.list({ phase: 'passed' })).toEqual([done]);
    expect(await store.runs.page({ limit: 5, phase: 'running' })).toEqual({ runs: [] });
    const moved: DrillRun = { ...done, jobKey: 'drill:nightly:2' };
    await store.runs.save(moved);
    expect(await store.runs.list({ jobKey: 'drill:nightly:1' })).toEqual([]);
    expect((await store.runs.page({ limit: 5, jobKey: 'drill:nightly:2' })).runs).toEqual([moved]);
  });

  // Error text comes from client programs' output, which is not always clean text.
  const oddTexts = {
    'quotes, backslashes, emoji, control characters': 'it said "no" \\ C:\\path \u{1F6DF} tab\tnewline\nbell\u0007 end',
    'a NUL character': 'pg_restore: garbage \u0000 after a NUL',
    // Text cut at a UTF-16 index can split an emoji in two.
    'half an emoji (a lone surrogate)': `cut here: ${'\u{1F6DF}'.slice(0, 1)}`,
  };
  for (const [what, odd] of Object.entries(oddTexts)) {
    it(`runs: a run whose text holds ${what} reads back as saved`, async () => {
      const { store } = await backend.open();
      const run: DrillRun = { ...makeRun({ drill: 'odd', at: at(0), phase: 'error' }), error: odd, retryable: false };
      run.steps[0]!.error = odd;
      run.steps[0]!.details = { stderr: odd, [odd]: 1 };
      await store.runs.save(run);
      expect(await store.runs.get(run.runId)).toEqual(run);
    });
  }

  it('runs: get of an unknown id, or of a path-like id, is undefined', async () => {
    const { store } = await backend.open();
    await store.runs.save(makeRun({ drill: 'x', at: at(0) }));
    for (const id of ['nope-20260301T100000Z-abcdef', '../x', '../runs/x', 'x/../../x', '', '.', '..']) expect(await store.runs.get(id), id).toBeUndefined();
  });

  it('runs: list is oldest first by (startedAt, runId) and filters by drill, phase and job key exactly', async () => {
    const { store } = await backend.open();
    const runs = mixedRuns();
    for (const r of shuffled(runs)) await store.runs.save(r);
    const sorted = [...runs].sort(oldestFirst);
    expect(ids(await store.runs.list())).toEqual(ids(sorted));
    expect(await store.runs.list({})).toEqual(sorted);
    const cases: RunFilter[] = [{ drill: 'a' }, { drill: 'a-b' }, { drill: 'b' }, { drill: 'a-' }, { phase: 'failed' }, { phase: 'running' }, { jobKey: 'job-x' }, { jobKey: 'job' }, { drill: 'a', phase: 'passed', jobKey: 'job-y' }];
    for (const f of cases) {
      const want = sorted.filter((r) => (!f.drill || r.drill === f.drill) && (!f.phase || r.phase === f.phase) && (!f.jobKey || r.jobKey === f.jobKey));
      expect(ids(await store.runs.list(f)), JSON.stringify(f)).toEqual(ids(want));
    }
  });

  it('runs: page is newest first; next appears only while runs follow; cursors visit each run once, with and without filters', async () => {
    const { store } = await backend.open();
    const runs = mixedRuns();
    for (const r of shuffled(runs)) await store.runs.save(r);
    const newest = [...runs].sort(oldestFirst).reverse();
    for (const f of [{}, { drill: 'a' }, { drill: 'a-b' }, { phase: 'failed' as const }, { jobKey: 'job-x' }]) {
      const want = newest.filter((r) => (!('drill' in f) || r.drill === f.drill) && (!('phase' in f) || r.phase === f.phase) && (!('jobKey' in f) || r.jobKey === f.jobKey));
      for (const limit of [1, 2, 3, want.length, want.length + 1]) {
        const pages = await allPages(store.runs, f, limit);
        expect(ids(pages.flat()), `${JSON.stringify(f)} limit ${limit}`).toEqual(ids(want));
        expect(pages).toHaveLength(Math.max(1, Math.ceil(want.length / limit)));
      }
    }
    // Exactly a page's worth: the one page has no next.
    const exact = await store.runs.page({ limit: runs.length });
    expect(exact.runs).toHaveLength(runs.length);
    expect(exact.next).toBeUndefined();
    expect(await store.runs.page({ limit: 5, drill: 'nobody' })).toEqual({ runs: [] });
  });

  it('runs: runs within one second come in exact time order, across page boundaries too', async () => {
    const { store } = await backend.open();
    // Ids within a second sort against time (tags fall as the time rises): only startedAt can order them.
    const runs = Array.from({ length: 10 }, (_, i) => makeRun({ drill: 'burst', at: at(1000 + i * 97), random: () => (10 - i) / 11 }));
    runs.push(makeRun({ drill: 'burst', at: at(999) }), makeRun({ drill: 'burst', at: at(2000) }));
    for (const r of shuffled(runs)) await store.runs.save(r);
    const sorted = [...runs].sort(oldestFirst);
    expect(sorted.map((r) => r.startedAt)).toEqual([...runs].map((r) => r.startedAt).sort());
    expect(ids(await store.runs.list())).toEqual(ids(sorted));
    for (const limit of [1, 3, 4, 7]) expect(ids((await allPages(store.runs, {}, limit)).flat()), `limit ${limit}`).toEqual(ids([...sorted].reverse()));
  });

  it('runs: a cursor that is not one throws', async () => {
    const { store } = await backend.open();
    await store.runs.save(makeRun({ drill: 'x', at: at(0) }));
    for (const cursor of ['garbage', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["not a date","x"]').toString('base64url')]) {
      await expect(store.runs.page({ limit: 10, cursor }), cursor).rejects.toThrow();
    }
  });
}
