import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { schedulerId } from '../../src/queue/index.js';
import { runCli } from '../helpers/cli.js';
import { writeDump } from '../helpers/estate.js';
import { REDIS_CONNECTION, REDIS_URL, useQueueProcesses } from '../helpers/queue-prefixes.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

const tmp = useTmpDirs();
const REDIS = REDIS_URL;
const connection = REDIS_CONNECTION;
const { procs, prefixes } = useQueueProcesses();

const until = <T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 40_000) => waitUntil(what, probe, ok, { timeout: timeoutMs, every: 100 });

function launch(dir: string, args: string[]) {
  return procs.launch([...args, '--log-format', 'json'], { cwd: dir, env: { REDIS_URL: REDIS } });
}

interface Run {
  schedule: string;
  jobId: string;
  ok: boolean;
  summary: string;
  at: string;
}

describe('slots missed while no worker ran', () => {
  it('on return, runs at most one missed slot per schedule, the newest, inside catchUp; outside it the skip is recorded', async () => {
    const dir = await tmp();
    await mkdir(path.join(dir, 'schedules'), { recursive: true });
    await writeFile(
      path.join(dir, 'lifeboat.yaml'),
      'version: 1\nledger: { dir: ledger }\nstateDir: state\nstate: { kind: files, singleMachine: true }\nregions:\n  local: { kind: local, path: region }\nresources:\n  - { id: db, kind: dump-dir, region: local, path: db, rpo: 24h }\n',
    );
    await writeDump(dir, 'db', 'a.sql', { at: new Date(Date.now() - 3_600_000) });
    // Same slots, every 15 s; different catch-up windows.
    await writeFile(path.join(dir, 'schedules/caught.yaml'), 'job: freshness\ncron: "*/15 * * * * *"\ncatchUp: 1m\n');
    await writeFile(path.join(dir, 'schedules/late.yaml'), 'job: freshness\ncron: "*/15 * * * * *"\ncatchUp: 2s\n');
    const prefix = `lbtest-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    const fresh = new Queue('freshness', { connection, prefix });
    const redis = new Redis(REDIS);
    try {
      // The scheduler makes each schedule's job for its next slot T0, and goes away: nothing runs.
      const scheduler = launch(dir, ['scheduler', '--prefix', prefix]);
      const next = async () => Promise.all(['caught', 'late'].map(async (n) => (await fresh.getJobScheduler(schedulerId(n)))?.next));
      const [t0, t0late] = (await until('both job schedulers', next, (n) => n.every((x) => typeof x === 'number'))) as number[];
      expect(t0late).toBe(t0);
      scheduler.child.kill('SIGTERM');
      expect(await scheduler.exited).toBe(0);

      // Down through T0 and T0+15 s; back 4 s after the newer one (late's window is 2 s), well before T0+30 s.
      await until(
        'two slots to pass',
        async () => Date.now(),
        (now) => now >= t0! + 15_000 + 4_000,
        60_000,
      );
      const back = Date.now();
      const worker = launch(dir, ['worker', '--prefix', prefix]);
      const runs = async () => (await redis.lrange(`${prefix}:state:runs`, 0, -1)).map((j) => JSON.parse(j) as Run).reverse();
      const seen = await until('both schedules to answer', runs, (r) => new Set(r.map((x) => x.schedule)).size === 2);
      expect(Date.parse(seen.at(-1)!.at)).toBeLessThan(t0! + 30_000);

      // Both answered the job made for T0, judged against the newest slot, T0+15 s.
      const newest = new Date(t0! + 15_000).toISOString();
      expect(seen).toHaveLength(2);
      expect(seen.find((r) => r.schedule === 'caught')).toMatchObject({ jobId: `repeat:${schedulerId('caught')}:${t0}`, ok: true, summary: '1/1 fresh' });
      const skipped = seen.find((r) => r.schedule === 'late')!;
      expect(skipped).toMatchObject({ jobId: `repeat:${schedulerId('late')}:${t0}`, ok: true });
      expect(skipped.summary).toMatch(new RegExp(`^skipped: slot ${newest.replace(/\./g, '\\.')} was missed by \\d+s, outside its catch-up window of 2s$`));

      // No backlog: the next job of each is for a slot after the return, not for T0+15 s.
      const pending = await fresh.getJobs(['waiting', 'delayed', 'active', 'prioritized']);
      const pendingSlots = pending.map((j) => Number(String(j.id).split(':').pop()));
      expect(pending.map((j) => String(j.id).split(':').slice(0, -1).join(':')).sort()).toEqual([`repeat:${schedulerId('caught')}`, `repeat:${schedulerId('late')}`]);
      for (const slot of pendingSlots) expect(slot).toBeGreaterThan(back);

      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);

      // `lifeboat status` shows each schedule's last run: the skip, unless (on a slow machine)
      // the worker ran the slot after the return before it stopped; either way the newest.
      const status = JSON.parse((await runCli(['status', '--prefix', prefix, '--json'], { cwd: dir, env: { REDIS_URL: REDIS } })).stdout) as { schedules: { name: string; lastRun: Run | null }[] };
      const newestOf = async (name: string) => (await runs()).filter((r) => r.schedule === name).at(-1)!;
      expect(status.schedules.find((s) => s.name === 'late')!.lastRun).toEqual(await newestOf('late'));
      expect(status.schedules.find((s) => s.name === 'caught')!.lastRun).toEqual(await newestOf('caught'));
      if ((await runs()).filter((r) => r.schedule === 'late').length === 1) expect(status.schedules.find((s) => s.name === 'late')!.lastRun!.summary).toBe(skipped.summary);
    } finally {
      await fresh.close();
      await redis.quit();
    }
  }, 120_000);
});
