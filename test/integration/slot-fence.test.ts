import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../src/config/index.js';
import type { DrillRun } from '../../src/drills/index.js';
import { JOB_HANDLERS, type JobContext, type Runtime } from '../../src/jobs/index.js';
import { drillEstate, drillRuntime, placeDump } from '../helpers/drill-estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const drillJob = JOB_HANDLERS.drill;
const DUMP = 'CREATE TABLE orders (id int PRIMARY KEY);\nINSERT INTO orders VALUES (1), (2);\n';
const schedule = (drill: string) => ({ name: 'nightly', job: 'drill', drill, cron: '0 0 1 1 *', file: 'schedules/nightly.yaml' }) as unknown as Schedule;
const ledgerTypes = async (dir: string) =>
  (await readFile(path.join(dir, 'ledger', 'ledger.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { type: string }).type);

/** A runtime whose run-change hook claims the job's slot as another attempt would, when the run starts `step`. */
function secondAttemptAt(rt: Runtime, jobKey: string, step: string): Runtime {
  let claimed = false;
  return {
    ...rt,
    live: {
      freshness: async () => undefined,
      drill: async (run: DrillRun) => {
        if (!claimed && run.phase === 'running' && run.steps.at(-1)?.name === step && !run.steps.at(-1)?.endedAt) {
          claimed = true;
          await rt.state.slots.claim(jobKey, { host: 'another-worker', pid: 1 }, new Date());
        }
      },
    },
  };
}

describe('a drill slot gives one result', () => {
  it('a job that runs again after its slot finished does not run the drill again: it returns the recorded result', async () => {
    const dir = await tmp();
    const { rt } = await drillRuntime(await drillEstate(dir));
    await placeDump(dir, 'shop.sql', DUMP);
    const ctx: JobContext = { runtime: rt, signal: new AbortController().signal, jobKey: 'drill:repeat:nightly:1' };
    try {
      const first = await drillJob(ctx, schedule('to-lite'));
      expect(first).toMatchObject({ ok: true, details: { phase: 'passed' } });
      const again = await drillJob(ctx, schedule('to-lite'));
      expect(again).toMatchObject({ ok: true, details: { runId: first.details!.runId, phase: 'passed', recordedBefore: true } });
      expect((await rt.runs.list()).map((r) => r.runId)).toEqual([first.details!.runId]);
      expect(await rt.state.slots.get('drill:repeat:nightly:1')).toMatchObject({ token: 1, result: { runId: first.details!.runId, phase: 'passed' } });
    } finally {
      await rt.close();
    }
    expect((await ledgerTypes(dir)).filter((t) => t === 'drill.finished')).toHaveLength(1);
  });

  it('an attempt whose slot a newer attempt claimed stops before its next step, tears its sandbox down and records no result', async () => {
    const dir = await tmp();
    const { rt } = await drillRuntime(await drillEstate(dir));
    await placeDump(dir, 'shop.sql', DUMP);
    const jobKey = 'drill:repeat:nightly:2';
    try {
      const outcome = await drillJob({ runtime: secondAttemptAt(rt, jobKey, 'provision'), signal: new AbortController().signal, jobKey }, schedule('to-lite'));
      expect(outcome).toMatchObject({ ok: false, details: { phase: 'abandoned' } });
      const [run] = await rt.runs.list();
      expect(run!.phase).toBe('abandoned');
      expect(run!.error).toMatch(/slot drill:repeat:nightly:2 was claimed by a newer attempt of its job \(this attempt held claim 1\)/);
      // Provision ran (the claim came during it); restore never started; score and teardown did.
      expect(run!.steps.map((s) => [s.name, s.ok])).toEqual([
        ['locate', true],
        ['thaw', true],
        ['fetch', true],
        ['provision', true],
        ['score', true],
        ['teardown', true],
      ]);
      expect(run!.steps.at(-1)!.details).toMatchObject({ removed: expect.stringMatching(/^lbdrill_/) });
      expect(await rt.leases.list()).toEqual([]);
      // The slot is the newer attempt's to finish.
      expect(await rt.state.slots.get(jobKey)).toMatchObject({ token: 2, holder: { host: 'another-worker' } });
      expect((await rt.state.slots.get(jobKey))!.finishedAt).toBeUndefined();
    } finally {
      await rt.close();
    }
    const types = await ledgerTypes(dir);
    expect(types.filter((t) => t.startsWith('drill.'))).toEqual(['drill.started', 'drill.superseded']);
  });

  it("an attempt superseded after its last check ran to the end, but its result is refused and not ledgered as the slot's", async () => {
    const dir = await tmp();
    const { rt } = await drillRuntime(await drillEstate(dir));
    await placeDump(dir, 'shop.sql', DUMP);
    const jobKey = 'drill:repeat:nightly:3';
    try {
      const outcome = await drillJob({ runtime: secondAttemptAt(rt, jobKey, 'verify'), signal: new AbortController().signal, jobKey }, schedule('to-lite'));
      expect(outcome).toMatchObject({ ok: false, details: { phase: 'abandoned' } });
      const [run] = await rt.runs.list();
      expect(run!.steps.map((s) => s.name)).toEqual(['locate', 'thaw', 'fetch', 'provision', 'restore', 'verify', 'score', 'teardown']);
      expect(run!.error).toMatch(/this attempt's result is not the slot's/);
      expect((await rt.state.slots.get(jobKey))!.finishedAt).toBeUndefined();
      // The newer attempt, holding token 2, can still record the slot's one result.
      expect(await rt.state.slots.finish(jobKey, 2, { runId: 'newer' }, new Date())).toBe(true);
    } finally {
      await rt.close();
    }
    expect((await ledgerTypes(dir)).filter((t) => t === 'drill.finished')).toEqual([]);
  });

  it('a retryable error with attempts left is ledgered as an attempt and leaves the slot open; the last attempt gives the slot its result', async () => {
    const dir = await tmp();
    const estate = await drillEstate(dir);
    await writeFile(estate, (await readFile(estate, 'utf8')).replace('maria: { kind: mysql, host: 127.0.0.1, port: 3306,', 'maria: { kind: mysql, host: 127.0.0.1, port: 1,'));
    await placeDump(dir, 'shop.sql', '-- MySQL dump\nCREATE TABLE t (a int);\n', { manifest: false });
    const { rt } = await drillRuntime(estate);
    const jobKey = 'drill:repeat:nightly:4';
    try {
      await expect(drillJob({ runtime: rt, signal: new AbortController().signal, jobKey, retriesLeft: true }, schedule('to-maria'))).rejects.toMatchObject({ retryable: true });
      expect((await rt.state.slots.get(jobKey))!.finishedAt).toBeUndefined();
      await expect(drillJob({ runtime: rt, signal: new AbortController().signal, jobKey, retriesLeft: false }, schedule('to-maria'))).rejects.toMatchObject({ retryable: true });
      expect(await rt.state.slots.get(jobKey)).toMatchObject({ token: 2, result: { phase: 'error' } });
      // The second attempt went on in the first one's run (it kept the backup it located): one run, resumed once.
      const runs = await rt.runs.list();
      expect(runs.map((r) => [r.phase, r.resumedAt?.length])).toEqual([['error', 1]]);
      expect(runs[0]!.steps.filter((s) => s.name === 'locate')).toHaveLength(1);
    } finally {
      await rt.close();
    }
    expect((await ledgerTypes(dir)).filter((t) => t.startsWith('drill.') && t !== 'drill.started')).toEqual(['drill.attempt-failed', 'drill.resumed', 'drill.finished']);
  });
});
