import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { removeQueuePrefixes } from '../helpers/queue-prefixes.js';
import { cliProcesses } from '../helpers/spawn.js';
import { usePrivateRedis } from '../helpers/private-redis.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { KILLED_IN_RESTORE, stepsEnded } from '../helpers/drill-steps.js';

const tmp = useTmpDirs();
const privateRedis = usePrivateRedis();
const REDIS = 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const procs = cliProcesses();
/** What a test watches or ends itself: its lifeboat processes. */
const children: ChildProcess[] = [];
const prefixes: string[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  procs.killAll();
  await removeQueuePrefixes(prefixes.splice(0));
});

/** Polls a job until it completes or fails (or the time is up); returns its last state. */
async function settle(queue: Queue, id: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let state = '';
  while (Date.now() < deadline) {
    state = await queue.getJobState(id);
    if (state === 'completed' || state === 'failed') break;
    await sleep(200);
  }
  return state;
}

async function estate(dir: string, cron: string) {
  await mkdir(path.join(dir, 'schedules'), { recursive: true });
  await mkdir(path.join(dir, 'region/db'), { recursive: true });
  await writeFile(path.join(dir, 'region/db/a.sql'), '-- dump\n');
  await writeFile(
    path.join(dir, 'lifeboat.yaml'),
    'version: 1\nledger: { dir: ledger }\nstateDir: state\nstate: { kind: files, singleMachine: true }\nregions:\n  r: { kind: local, path: region }\nresources:\n  - { id: db, kind: dump-dir, region: r, path: db }\n',
  );
  await writeFile(path.join(dir, 'schedules/fast.yaml'), `job: freshness\ncron: "${cron}"\n`);
}

/** What each launched process logged, by process: a failure shows the logs of the ones that did not exit cleanly. */
const logsOf = new Map<ChildProcess, () => string[]>();

function launch(dir: string, args: string[]): ChildProcess {
  const { child, msgs } = procs.launch([...args, '--log-format', 'json'], { cwd: dir, env: { REDIS_URL: REDIS } });
  children.push(child);
  logsOf.set(child, msgs);
  return child;
}

describe('distributed mode on BullMQ', () => {
  it('two schedulers and three workers in separate processes run each slot exactly once', async () => {
    const dir = await tmp();
    await estate(dir, '*/2 * * * * *');
    const prefix = `lbtest-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    for (let i = 0; i < 2; i++) launch(dir, ['scheduler', '--prefix', prefix]);
    const workers = [0, 1, 2].map(() => launch(dir, ['worker', '--prefix', prefix]));
    // Until five slots have run (one every 2 s), however long the processes took to start.
    const watch = new Redis(REDIS);
    await waitFor(async () => (await watch.llen(`${prefix}:state:runs`)) >= 5, { timeout: 30_000, what: 'five slots to run', every: 200 }).finally(() => watch.quit());
    const status = await runCli(['status', '--prefix', prefix, '--json'], { cwd: dir, env: { REDIS_URL: REDIS } });
    expect(status.code).toBe(0);
    const st = JSON.parse(status.stdout) as { queues: { name: string; workers: number }[]; schedules: { name: string; next: string; lastRun: { ok: boolean } }[]; freshness: Record<string, { status: string }> };
    expect(st.queues.find((q) => q.name === 'freshness')!.workers).toBe(3);
    expect(st.schedules).toEqual([expect.objectContaining({ name: 'fast', next: expect.any(String), lastRun: expect.objectContaining({ ok: true }) })]);
    expect(st.freshness.db).toMatchObject({ status: 'fresh' });
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode === null ? c.on('close', r) : r(null)))));
    expect(
      children.map((c) => c.exitCode),
      children
        .filter((c) => c.exitCode !== 0)
        .map((c) => logsOf.get(c)?.().join('\n'))
        .join('\n---\n'),
    ).toEqual([0, 0, 0, 0, 0]);

    const redis = new Redis(REDIS);
    const runs = (await redis.lrange(`${prefix}:state:runs`, 0, -1)).map((s) => JSON.parse(s) as { jobId: string; worker: string; schedule: string });
    await redis.quit();
    const slots = runs.map((r) => Number(r.jobId.split(':').pop())).sort((a, b) => a - b);
    expect(slots.length).toBeGreaterThanOrEqual(5);
    expect(new Set(slots).size).toBe(slots.length);
    // Consecutive slots, none lost between the first and the last.
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(2000);
    // Every slot was run by one of the three workers (a scheduler never runs a job).
    const workerIds = new Set(workers.map((w) => `${hostname()}:${w.pid}`));
    expect(runs.filter((r) => !workerIds.has(r.worker))).toEqual([]);
  }, 60_000);

  it('rejects a malformed payload injected by hand: failed at once, not retried', async () => {
    const dir = await tmp();
    await estate(dir, '0 0 1 1 *');
    const prefix = `lbtest-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    const worker = launch(dir, ['worker', '--prefix', prefix]);
    const queue = new Queue('freshness', { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    const bad = await queue.add('freshness', { schedule: 42, extra: 'x' }, { attempts: 5, backoff: { type: 'fixed', delay: 100 } });
    const unknown = await queue.add('freshness', { schedule: 'nope' }, { attempts: 5, backoff: { type: 'fixed', delay: 100 } });
    const deadline = Date.now() + 20_000;
    let states: string[] = [];
    while (Date.now() < deadline) {
      states = await Promise.all([bad, unknown].map((j) => queue.getJobState(j.id!)));
      if (states.every((s) => s === 'failed')) break;
      await sleep(100);
    }
    expect(states).toEqual(['failed', 'failed']);
    const [j1, j2] = await Promise.all([queue.getJob(bad.id!), queue.getJob(unknown.id!)]);
    expect(j1!.attemptsMade).toBe(1);
    expect(j1!.failedReason).toMatch(/malformed job payload/);
    expect(j2!.failedReason).toMatch(/names schedule nope/);
    await queue.close();
    worker.kill('SIGTERM');
    await new Promise((r) => worker.on('close', r));
    expect(worker.exitCode).toBe(0);
  }, 40_000);
});

describe('a drill on the queue whose worker is killed', () => {
  it('is taken over by another worker: the earlier attempt is cleaned up, the result recorded once', async () => {
    const { drillEstate, estatePrefix, placeDump } = await import('../helpers/drill-estate.js');
    const { renderMysqlDump, shopDatabase } = await import('../../src/demo/index.js');
    const { sandboxLeftovers } = await import('../helpers/databases.js');
    const { readFile, readdir } = await import('node:fs/promises');
    const dir = await tmp();
    await drillEstate(dir);
    await mkdir(path.join(dir, 'schedules'), { recursive: true });
    await writeFile(path.join(dir, 'schedules/drill.yaml'), 'job: drill\ndrill: to-maria\ncron: "0 0 1 1 *"\n');
    const { ENDLESS_MYSQL_STATEMENT, waitInEndlessRestore } = await import('../helpers/kill-points.js');
    // The first attempt restores a backup that never ends, so the kill lands in its restore; a newer one placed after the kill lets the retry pass.
    const hourAgo = new Date(Date.now() - 3_600_000);
    await placeDump(dir, 'shop-1.sql.gz', `${renderMysqlDump('shop', shopDatabase(1, 2), hourAgo)}\n${ENDLESS_MYSQL_STATEMENT};\n`, { gzip: true, at: hourAgo });
    const prefix = `lbtest-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    const env = { LB_TEST_EMPTY: '' };
    const startWorker = () => {
      const w = procs.launch(['worker', '--prefix', prefix, '--stall-timeout', '4s', '--log-format', 'json'], { cwd: dir, env: { ...env, REDIS_URL: REDIS } });
      return { child: w.child, log: w.stderr };
    };
    const queue = new Queue('drill', { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    const job = await queue.add('drill', { schedule: 'drill' }, { attempts: 3, backoff: { type: 'fixed', delay: 500 } });

    const a = startWorker();
    const aClosed = new Promise((r) => a.child.on('close', r));
    const first = await waitInEndlessRestore(dir, () => (a.child.exitCode !== null ? a.log() : undefined));
    a.child.kill('SIGKILL');
    await aClosed;
    await placeDump(dir, 'shop-2.sql.gz', renderMysqlDump('shop', shopDatabase(1, 2), new Date()), { gzip: true });

    const b = startWorker();
    expect(await settle(queue, job.id!, 60_000)).toBe('completed');
    b.child.kill('SIGTERM');
    await new Promise((r) => b.child.on('close', r));
    await queue.close();

    const ledger = (await readFile(path.join(dir, 'ledger/ledger.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(ledger.filter((r) => r.type === 'drill.finished')).toHaveLength(1);
    expect(ledger.filter((r) => r.type === 'drill.abandoned')).toHaveLength(1);
    const runs = await Promise.all(
      (await readdir(path.join(dir, 'state/runs'))).map(async (f) => JSON.parse(await readFile(path.join(dir, 'state/runs', f), 'utf8')) as { runId: string; phase: string; backup?: { name: string }; steps: { name: string; endedAt?: string }[] }),
    );
    // The killed attempt was abandoned where the kill landed (its restore, still open); the retry restored the newer backup and passed.
    const byPhase = Object.fromEntries(runs.map((r) => [r.phase, r]));
    expect(Object.keys(byPhase).sort()).toEqual(['abandoned', 'passed']);
    expect(byPhase.abandoned).toMatchObject({ runId: first.runId, backup: { name: 'shop-1.sql.gz' } });
    expect(stepsEnded(byPhase.abandoned!)).toEqual(KILLED_IN_RESTORE);
    expect(byPhase.passed).toMatchObject({ backup: { name: 'shop-2.sql.gz' } });
    expect(await sandboxLeftovers('maria', estatePrefix(dir))).toEqual([]);
    expect(await readdir(path.join(dir, 'state/leases'))).toEqual([]);
  }, 120_000);
});

describe('Redis restarting mid-run', () => {
  it('scheduler and worker reconnect and carry on; no slot runs twice', async () => {
    const redis = await privateRedis();
    await redis.start();
    const url = redis.url;
    const dir = await tmp();
    await estate(dir, '* * * * * *');
    const launchOn = (args: string[]) => {
      const { child } = procs.launch([...args, '--log-format', 'json'], { cwd: dir, env: { REDIS_URL: url } });
      return child;
    };
    const scheduler = launchOn(['scheduler']);
    const worker = launchOn(['worker']);
    const client = new Redis(url);
    await waitFor(async () => (await client.llen('lifeboat:state:runs')) >= 3, { timeout: 20_000, what: 'three slots to run before the restart', every: 100 });
    const before = await client.llen('lifeboat:state:runs');
    client.disconnect();
    await redis.stop();
    // An outage, not a synchronisation: two seconds of slots fall while Redis is down.
    await sleep(2000);
    await redis.start();
    const after = new Redis(url);
    await waitFor(async () => (await after.llen('lifeboat:state:runs')) >= before + 3, { timeout: 30_000, what: 'three more slots to run after the restart', every: 100 });
    const runs = (await after.lrange('lifeboat:state:runs', 0, -1)).map((s) => JSON.parse(s) as { jobId: string; at: string });
    await after.quit();
    scheduler.kill('SIGTERM');
    worker.kill('SIGTERM');
    await Promise.all([scheduler, worker].map((c) => new Promise((r) => c.on('close', r))));
    await redis.stop();

    expect(before).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeGreaterThanOrEqual(before + 3);
    expect(new Set(runs.map((r) => r.jobId)).size).toBe(runs.length);
    expect([scheduler.exitCode, worker.exitCode]).toEqual([0, 0]);
  }, 60_000);
});

describe('retries', () => {
  it('retries a drill whose sandbox server is unreachable, with backoff, then gives up', async () => {
    const { drillEstate, placeDump } = await import('../helpers/drill-estate.js');
    const dir = await tmp();
    await drillEstate(dir);
    const { readFile } = await import('node:fs/promises');
    const estateFile = path.join(dir, 'lifeboat.yaml');
    await writeFile(estateFile, (await readFile(estateFile, 'utf8')).replace('maria: { kind: mysql, host: 127.0.0.1, port: 3306,', 'maria: { kind: mysql, host: 127.0.0.1, port: 1,'));
    await mkdir(path.join(dir, 'schedules'), { recursive: true });
    await writeFile(path.join(dir, 'schedules/drill.yaml'), 'job: drill\ndrill: to-maria\ncron: "0 0 1 1 *"\n');
    await placeDump(dir, 'x.sql', '-- MySQL dump\nCREATE TABLE t (a int);\n', { manifest: false });
    const prefix = `lbtest-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    const { child } = procs.launch(['worker', '--prefix', prefix], { cwd: dir, env: { LB_TEST_EMPTY: '', REDIS_URL: REDIS } });
    const queue = new Queue('drill', { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    const job = await queue.add('drill', { schedule: 'drill' }, { attempts: 3, backoff: { type: 'custom' } });
    const state = await settle(queue, job.id!, 30_000);
    const done = await queue.getJob(job.id!);
    await queue.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.on('close', r));
    expect(state).toBe('failed');
    expect(done!.attemptsMade).toBe(3);
    expect(done!.failedReason).toMatch(/could not run .*ECONNREFUSED|could not run .*127\.0\.0\.1:1/);
  }, 60_000);
});
