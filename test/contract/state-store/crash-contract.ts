import { expect, it } from 'vitest';
import type { DrillRun } from '../../../src/drills/index.js';
import type { Backend } from './backends.js';
import { startWriter } from './crash-child.js';
import { copyRecord } from './documents-contract.js';
import { makeRun, stepsOf } from './runs.js';

/** A run as the crash writer builds it: every step present, none torn. */
function expectWholeCrashRun(run: DrillRun): void {
  expect(run).toMatchObject({ drill: 'crash', resource: 'res', sandbox: 'sb', phase: 'running' });
  expect(run.steps.length).toBeGreaterThan(0);
  for (const step of run.steps) expect(step).toMatchObject({ ok: true, details: { i: expect.any(Number), pad: 'p'.repeat(2000) } });
}

export function crashContract(backend: Backend): void {
  it('crash: a writer killed mid-way leaves whole runs and a valid registry, and the next writer gets through', { timeout: 90_000 }, async () => {
    const place = await backend.open();
    const writer = startWriter(place, 'loop');
    // Killed at whatever moment the 40th copy happens to be followed by: inside a run save, a copy update, or between.
    await writer.waitForLine((l) => l.filter((x) => x.startsWith('copy ')).length >= 40, '40 copies written');
    await writer.kill();

    const saved = new Map<string, number>();
    const copies = new Set<string>();
    for (const line of writer.lines()) {
      const [what, id, n] = line.split(' ');
      if (what === 'run') saved.set(id!, Number(n));
      if (what === 'copy') copies.add(id!);
    }
    const store = await place.another();
    const runs = await store.runs.list();
    expect(runs.map((r) => r.runId).sort()).toEqual([...saved.keys()].sort());
    for (const run of runs) {
      expectWholeCrashRun(run);
      // Its last reported save, or the one after it that landed before the kill.
      expect(run.steps.length - saved.get(run.runId)!).toBeGreaterThanOrEqual(0);
      expect(run.steps.length - saved.get(run.runId)!).toBeLessThanOrEqual(1);
      expect(await store.runs.get(run.runId)).toEqual(run);
    }
    const pages = await store.runs.page({ limit: 2 });
    expect(pages.runs).toHaveLength(2);

    const reg = await store.copies.read();
    for (const key of copies) expect(reg[key], key).toMatchObject({ region: 'cold', ok: true, sha256: 'ab'.repeat(32) });
    expect(Object.keys(reg).length - copies.size).toBeLessThanOrEqual(1);

    await store.copies.update((r) => {
      r['cold:after'] = copyRecord('after');
    });
    const after = makeRun({ drill: 'crash', at: new Date('2026-06-02T00:00:00.000Z') });
    await store.runs.save(after);
    expect(Object.keys(await store.copies.read())).toEqual(expect.arrayContaining([...copies, 'cold:after']));
    expect(await store.runs.get(after.runId)).toEqual(after);
  });

  for (const doc of ['copies', 'freshness'] as const) {
    it(`crash: a writer killed while it holds the ${doc} lock does not block the next writer`, { timeout: 60_000 }, async () => {
      const place = await backend.open();
      const writer = startWriter(place, `hold-${doc}`);
      await writer.waitForLine((l) => l.includes('holding'), 'inside the lock');
      await writer.kill();
      const store = await place.another();
      if (doc === 'copies') {
        await store.copies.update((r) => {
          r['cold:after'] = copyRecord('after');
        });
        expect(Object.keys(await store.copies.read()).sort()).toEqual(['cold:after', 'cold:k0']);
      } else {
        expect(await store.freshness.update(async (s) => ({ state: { ...s, after: { status: 'fresh', since: 'x', day: { date: '2026-06-01', checks: 1, byStatus: {}, worst: 'fresh' } } }, value: 'ok' }))).toBe('ok');
        expect(Object.keys(await store.freshness.read())).toEqual(['after']);
      }
    });
  }

  it('reading while writing: every read is nothing before the first save, then a whole record, never older than one seen', { timeout: 60_000 }, async () => {
    const { store, another } = await backend.open();
    const reader = await another();
    const start = new Date('2026-03-01T10:00:00.000Z');
    const versions = Array.from({ length: 200 }, (_, i) => ({ ...makeRun({ drill: 'rw', at: start, phase: 'running', random: () => 0.5 }), steps: stepsOf(start, i + 1) }));
    const id = versions[0]!.runId;
    let writing = true;
    const writes = (async () => {
      try {
        for (const v of versions) await store.runs.save(v);
      } finally {
        writing = false;
      }
    })();
    // Per reader path: get and list run at once, so one may see a newer save than the other.
    const seen = { get: 0, list: 0 };
    let reads = 0;
    while (writing) {
      const [got, listed] = await Promise.all([reader.runs.get(id), reader.runs.list({ drill: 'rw' })]);
      reads++;
      expect(listed.length).toBeLessThanOrEqual(1);
      for (const [path, run] of [
        ['get', got],
        ['list', listed[0]],
      ] as const) {
        if (run === undefined) {
          expect(seen[path], `${path}: a run read back as nothing after it was seen`).toBe(0);
          continue;
        }
        expect(run).toEqual(versions[run.steps.length - 1]);
        expect(run.steps.length, `${path}: read an older save after a newer one`).toBeGreaterThanOrEqual(seen[path]);
        seen[path] = run.steps.length;
      }
    }
    await writes;
    expect(reads).toBeGreaterThan(1);
    expect(await reader.runs.get(id)).toEqual(versions.at(-1));
  });
}
