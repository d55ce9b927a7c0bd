import { randomBytes } from 'node:crypto';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
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
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
const { procs, prefixes } = useQueueProcesses();

const until = <T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 40_000) => waitUntil(what, probe, ok, { timeout: timeoutMs, every: 200 });

/** One resource `db` with a fresh dump, swept every 2 s by a freshness schedule; its own BullMQ prefix. */
async function estate() {
  const dir = await tmp();
  await mkdir(path.join(dir, 'schedules'), { recursive: true });
  await writeFile(
    path.join(dir, 'lifeboat.yaml'),
    'version: 1\nledger: { dir: ledger }\nstateDir: state\nstate: { kind: files, singleMachine: true }\nregions:\n  local: { kind: local, path: region }\nresources:\n  - { id: db, kind: dump-dir, region: local, path: db, rpo: 24h }\n',
  );
  await writeFile(path.join(dir, 'schedules/sweep.yaml'), 'job: freshness\ncron: "*/2 * * * * *"\n');
  await writeDump(dir, 'db', 'a.sql', { at: hoursAgo(1) });
  const prefix = `lbtest-${randomBytes(4).toString('hex')}`;
  prefixes.push(prefix);
  return { dir, prefix };
}

function startRedis(dir: string, prefix: string) {
  return procs.launch(['start', '--redis', REDIS, '--prefix', prefix, '--log-format', 'json'], { cwd: dir, env: { NO_COLOR: '1', REDIS_URL: undefined }, stdout: true });
}

describe('lifeboat start --redis', () => {
  it('runs scheduler and workers in one process on BullMQ under its own prefix, each slot once, and stops cleanly', async () => {
    const { dir, prefix } = await estate();
    const s = startRedis(dir, prefix);
    await until(
      'the running line',
      async () => s.msgs(),
      (m) => m.includes('lifeboat running (BullMQ mode); Ctrl-C to stop'),
    );
    // The first freshness table, as in embedded mode.
    expect(s.stdout()).toMatch(/db\s+local\s+a\.sql \(mtime\)\s+1h\S*\s+1d\s+FRESH/);

    const fresh = new Queue('freshness', { connection, prefix });
    expect(await fresh.getJobScheduler(schedulerId('sweep'))).toMatchObject({ pattern: '*/2 * * * * *', tz: 'UTC' });
    const redis = new Redis(REDIS);
    const runs = async () => (await redis.lrange(`${prefix}:state:runs`, 0, -1)).map((j) => JSON.parse(j) as { schedule: string; jobId: string; ok: boolean; summary: string });
    const seen = await until('three slots run', runs, (r) => r.length >= 3);
    expect((await fresh.getWorkers()).length).toBe(1);

    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.msgs()).toEqual(expect.arrayContaining(['stopping: waiting for running jobs', 'stopped']));
    expect(await fresh.getWorkers()).toEqual([]);
    const all = await runs();
    await redis.quit();
    await fresh.close();
    expect(all.length).toBeGreaterThanOrEqual(seen.length);
    for (const r of all) expect(r).toMatchObject({ schedule: 'sweep', ok: true, summary: '1/1 fresh', jobId: expect.stringMatching(/^repeat:schedule:sweep:\d+$/) });
    // Every slot once, each on the schedule's 2 s grid.
    const slots = all.map((r) => Number(r.jobId.split(':').pop()));
    expect(new Set(slots).size).toBe(slots.length);
    for (const slot of slots) expect(slot % 2000).toBe(0);
  }, 90_000);
});

describe('lifeboat status', () => {
  it('shows queues, schedules and statuses; exit 0 only with a worker alive and everything fresh', async () => {
    const { dir, prefix } = await estate();
    const status = (json = false) => runCli(['status', '--redis', REDIS, '--prefix', prefix, ...(json ? ['--json'] : [])], { cwd: dir });
    const dbStatus = async () => {
      const st = JSON.parse((await status(true)).stdout) as { freshness: Record<string, { status: string }> };
      return st.freshness.db?.status;
    };
    const s = startRedis(dir, prefix);
    await until('a sweep through the queue', dbStatus, (v) => v === 'fresh');

    // Healthy.
    const healthy = await status();
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/^QUEUE\s+WORKERS\s+WAITING\s+ACTIVE\s+DELAYED\s+FAILED\s+DONE\n/);
    expect(healthy.stdout).toMatch(/\nfreshness\s+1\s+\d+\s+\d+\s+\d+\s+0\s+\d+\n/);
    expect(healthy.stdout).toMatch(/\nSCHEDULE\s+CRON\s+NEXT RUN\s+LAST RUN\n/);
    expect(healthy.stdout).toMatch(/\nsweep\s+\*\/2 \* \* \* \* \* UTC\s+\d{4}-\d\d-\d\dT\S+Z\s+\d{4}-\d\d-\d\dT\S+Z ok: 1\/1 fresh\n/);
    expect(healthy.stdout).toMatch(/\nno drill running\n/);
    expect(healthy.stdout).toMatch(/\n1 resources and copies known: 0 not fresh\nalerts: 0 firing, 0 message\(s\) waiting\n$/);

    // Stale: the newest backup is now older than rpo.
    await utimes(path.join(dir, 'region/db/a.sql'), hoursAgo(30), hoursAgo(30));
    await until('stale', dbStatus, (v) => v === 'stale');
    const stale = await status();
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/\n1 resources and copies known: 1 not fresh\n! db is stale: newest usable backup is 1d6h\S* old, over target 1d/);

    // Failing: a newer backup that is cut short.
    await writeDump(dir, 'db', 'b.sql.gz', { at: hoursAgo(0.5), gzip: true, truncate: true, content: `${'x'.repeat(20_000)}${Math.random()}` });
    await until('failing', dbStatus, (v) => v === 'failing');
    const failing = await status();
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/\n! db is failing: newest backup b\.sql\.gz: gzip does not decompress to its end/);

    // Mended: fresh again, exit 0 again.
    await rm(path.join(dir, 'region/db/b.sql.gz'));
    await utimes(path.join(dir, 'region/db/a.sql'), hoursAgo(1), hoursAgo(1));
    await until('fresh again', dbStatus, (v) => v === 'fresh');
    expect((await status()).code).toBe(0);

    // No worker alive: exit 1 though everything is fresh.
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    const down = await status();
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/\nfreshness\s+0\s+/);
    expect(down.stdout).toMatch(/\n1 resources and copies known: 0 not fresh\nalerts: 0 firing, 0 message\(s\) waiting\n$/);
  }, 120_000);
});
