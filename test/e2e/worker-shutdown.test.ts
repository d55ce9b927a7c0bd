import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { RETRY_OPTIONS } from '../../src/queue/index.js';
import { REDIS_CONNECTION, REDIS_URL, useQueueProcesses } from '../helpers/queue-prefixes.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

const tmp = useTmpDirs();
const REDIS = REDIS_URL;
const connection = REDIS_CONNECTION;
const { procs, prefixes } = useQueueProcesses();

const until = <T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000) => waitUntil(what, probe, ok, { timeout: timeoutMs, every: 50 });

/**
 * A job whose length the test sets: a scrub of one 16 KiB backup at a read rate, so it
 * takes 16 KiB / rate seconds, and stops at once when its signal is aborted.
 */
async function estate(rate: string) {
  const dir = await tmp();
  await mkdir(path.join(dir, 'schedules'), { recursive: true });
  await mkdir(path.join(dir, 'region/db'), { recursive: true });
  await writeFile(path.join(dir, 'region/db/a.sql'), `-- dump\n${'x'.repeat(16 * 1024 - 8)}`);
  await writeFile(
    path.join(dir, 'lifeboat.yaml'),
    'version: 1\nledger: { dir: ledger }\nstateDir: state\nstate: { kind: files, singleMachine: true }\nregions:\n  r: { kind: local, path: region }\nresources:\n  - { id: db, kind: dump-dir, region: r, path: db }\n',
  );
  await setRate(dir, rate);
  const prefix = `lbtest-${randomBytes(4).toString('hex')}`;
  prefixes.push(prefix);
  const queue = new Queue('scrub', { connection, prefix });
  return { dir, prefix, queue };
}

const setRate = (dir: string, rate: string) => writeFile(path.join(dir, 'schedules/slow.yaml'), `job: scrub\ncron: "0 0 1 1 *"\nrate: ${rate}\n`);
/** As the scheduler adds a slot's job: the schedule's name, lifeboat's retry options. */
const addJob = (queue: Queue) => queue.add('scrub', { schedule: 'slow' }, { ...RETRY_OPTIONS, jobId: `t-${randomBytes(4).toString('hex')}` });

function worker(dir: string, prefix: string, args: string[] = []) {
  const w = procs.launch(['worker', '--prefix', prefix, '--log-format', 'json', ...args], { cwd: dir, env: { REDIS_URL: REDIS } });
  return { ...w, exited: w.exited.then((code) => ({ code, at: w.exitedAt()! })) };
}

const ledgerTypes = async (dir: string) =>
  (await readFile(path.join(dir, 'ledger/ledger.jsonl'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { type: string }).type);

describe('lifeboat worker on SIGTERM', () => {
  it('stops taking jobs and lets the running one finish within --shutdown-timeout, then exits 0', async () => {
    const { dir, prefix, queue } = await estate('4KiB/s'); // about 4 s
    const w = worker(dir, prefix, ['--shutdown-timeout', '60s']);
    const running = await addJob(queue);
    await until(
      'the job to start',
      () => queue.getJobState(running.id!),
      (s) => s === 'active',
    );
    w.child.kill('SIGTERM');
    await until(
      'the worker to start stopping',
      async () => w.msgs(),
      (m) => m.includes('stopping: finishing running jobs'),
    );
    // Added after the signal: this worker does not take it.
    const late = await addJob(queue);
    const { code, at } = await w.exited;
    expect(code).toBe(0);
    const done = (await queue.getJob(running.id!))!;
    expect(await done.getState()).toBe('completed');
    expect(done.attemptsMade).toBe(1);
    expect(done.returnvalue).toMatchObject({ ok: true, summary: '1 backups and 0 copies re-hashed, 0 bad' });
    expect(done.finishedOn!).toBeLessThanOrEqual(at);
    expect(await queue.getJobState(late.id!)).toBe('waiting');
    expect(await ledgerTypes(dir)).toContain('scrub.completed');
    expect(w.msgs()).toEqual(expect.arrayContaining(['worker running; Ctrl-C to stop', 'stopping: finishing running jobs', 'stopped']));
    await queue.close();
  }, 60_000);

  it('past --shutdown-timeout aborts the running job and hands it back to the queue, where the next worker finishes it', async () => {
    const { dir, prefix, queue } = await estate('1KiB/s'); // about 16 s
    const first = worker(dir, prefix, ['--shutdown-timeout', '1s']);
    const job = await addJob(queue);
    await until(
      'the job to start',
      () => queue.getJobState(job.id!),
      (s) => s === 'active',
    );
    const signalled = Date.now();
    first.child.kill('SIGTERM');
    const { code, at } = await first.exited;
    expect(code).toBe(0);
    // Well before the 16 s the scrub needed: it was cut short at the deadline.
    expect(at - signalled).toBeLessThan(8_000);
    const handedBack = (await queue.getJob(job.id!))!;
    expect(['waiting', 'delayed']).toContain(await handedBack.getState());
    expect(handedBack.attemptsMade).toBe(1);
    expect(await ledgerTypes(dir)).not.toContain('scrub.completed');

    // The next worker takes the same job (the schedule now reads fast) and finishes it.
    await setRate(dir, '1MiB/s');
    const second = worker(dir, prefix);
    await until(
      'the job to complete',
      () => queue.getJobState(job.id!),
      (s) => s === 'completed' || s === 'failed',
    );
    const done = (await queue.getJob(job.id!))!;
    expect(await done.getState()).toBe('completed');
    expect(done.attemptsMade).toBe(2);
    expect((await ledgerTypes(dir)).filter((t) => t === 'scrub.completed')).toHaveLength(1);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    await queue.close();
  }, 60_000);
});

describe('lifeboat worker --concurrency', () => {
  /** Adds two slow jobs and follows the queue until both are done; returns the most that were active at once. */
  async function mostAtOnce(queue: Queue): Promise<number> {
    const jobs = [await addJob(queue), await addJob(queue)];
    let most = 0;
    await until(
      'both jobs to complete',
      async () => {
        most = Math.max(most, await queue.getActiveCount());
        return Promise.all(jobs.map((j) => queue.getJobState(j.id!)));
      },
      (states) => states.every((s) => s === 'completed'),
    );
    return most;
  }

  it("runs QUEUE=N jobs of that queue at once; without it, the queue's default (one scrub at a time)", async () => {
    const { dir, prefix, queue } = await estate('8KiB/s'); // about 2 s each
    const two = worker(dir, prefix, ['--concurrency', 'scrub=2']);
    expect(await mostAtOnce(queue)).toBe(2);
    two.child.kill('SIGTERM');
    expect((await two.exited).code).toBe(0);

    const one = worker(dir, prefix);
    expect(await mostAtOnce(queue)).toBe(1);
    one.child.kill('SIGTERM');
    expect((await one.exited).code).toBe(0);
    await queue.close();
  }, 60_000);
});
