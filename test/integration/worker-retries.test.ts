import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { LifeboatError, silentLogger, systemClock } from '../../src/domain/index.js';
import type { Runtime } from '../../src/jobs/index.js';
import type { LedgerEntry } from '../../src/ledger/index.js';
import { createRuntime } from '../../src/main/runtime.js';
import { QUEUE_OF, RETRY_OPTIONS, redisConnection, startWorkers, type WorkerPool } from '../../src/queue/index.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const connection = redisConnection('redis://127.0.0.1:6379');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A real freshness job on real BullMQ, whose evidence write fails the way the test says: the
 * ledger is the job's edge to the outside world, so the failure is injected there and
 * everything between (worker, handler, sweep, evidence) is lifeboat's own code.
 */
async function workerWhoseLedgerFails(failures: (call: number) => Error | undefined) {
  const dir = await tmp();
  await mkdir(path.join(dir, 'schedules'), { recursive: true });
  await mkdir(path.join(dir, 'region/db'), { recursive: true });
  await writeFile(path.join(dir, 'lifeboat.yaml'), 'version: 1\nledger: { dir: ledger }\nstateDir: state\nregions:\n  r: { kind: local, path: region }\nresources:\n  - { id: db, kind: dump-dir, region: r, path: db }\n');
  await writeFile(path.join(dir, 'schedules/sweep.yaml'), 'job: freshness\ncron: "0 0 1 1 *"\n');
  const rt = await createRuntime(await loadConfig(path.join(dir, 'lifeboat.yaml')), { clock: systemClock, logger: silentLogger, env: {} });
  let calls = 0;
  const runtime: Runtime = {
    ...rt,
    ledger: {
      ...rt.ledger,
      appendMany: async (entries: readonly LedgerEntry[]) => {
        const err = failures(++calls);
        if (err) throw err;
        return rt.ledger.appendMany(entries);
      },
    },
  };
  const prefix = `lbtest-retry-${randomBytes(4).toString('hex')}`;
  const pool: WorkerPool = startWorkers(runtime, connection, prefix, silentLogger, { sweepEveryMs: 3_600_000 });
  const queue = new Queue(QUEUE_OF.freshness, { connection, prefix });
  cleanups.push(async () => {
    await pool.close(5_000);
    await rt.close();
    for (const q of new Set(Object.values(QUEUE_OF))) {
      const each = new Queue(q, { connection, prefix });
      await each.obliterate({ force: true });
      await each.close();
    }
    await queue.close();
  });
  // As the scheduler adds them: the schedule's name only, with lifeboat's retry options.
  const job = await queue.add('freshness', { schedule: 'sweep' }, { ...RETRY_OPTIONS, jobId: `test-${randomBytes(3).toString('hex')}` });
  return { queue, job, calls: () => calls };
}

/** Waits for a settled state ('completed', or 'failed' with no retry left); 'delayed' means a retry is coming. */
async function settled(queue: Queue, id: string, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const state = await queue.getJobState(id);
    if (state === 'completed' || state === 'failed' || Date.now() > deadline) return state;
    await sleep(50);
  }
}

describe('worker retries', () => {
  it('an unknown error (a bug) is final: attempted exactly once, failed with its message', async () => {
    const { queue, job, calls } = await workerWhoseLedgerFails(() => new TypeError("Cannot read properties of undefined (reading 'seq')"));
    expect(await settled(queue, job.id!)).toBe('failed');
    const done = (await queue.getJob(job.id!))!;
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toBe("Cannot read properties of undefined (reading 'seq')");
    expect(calls()).toBe(1);
  });

  it('an error lifeboat marks retryable (a busy ledger) is retried, and the retry completes', async () => {
    const { queue, job, calls } = await workerWhoseLedgerFails((n) => (n === 1 ? new LifeboatError('LEDGER_LOCKED', 'ledger lock held by another process') : undefined));
    expect(await settled(queue, job.id!)).toBe('completed');
    expect((await queue.getJob(job.id!))!.attemptsMade).toBe(2);
    expect(calls()).toBe(2);
  });

  it('a transient network error that reaches the job unwrapped is retried', async () => {
    const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const { queue, job, calls } = await workerWhoseLedgerFails((n) => (n <= 2 ? reset() : undefined));
    expect(await settled(queue, job.id!)).toBe('completed');
    expect((await queue.getJob(job.id!))!.attemptsMade).toBe(3);
    expect(calls()).toBe(3);
  });

  it('a LifeboatError that is not retryable is final', async () => {
    const { queue, job, calls } = await workerWhoseLedgerFails(() => new LifeboatError('LEDGER_TAMPERED', 'ledger is behind its head'));
    expect(await settled(queue, job.id!)).toBe('failed');
    expect((await queue.getJob(job.id!))!.attemptsMade).toBe(1);
    expect(calls()).toBe(1);
  });
});
