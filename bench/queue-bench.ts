import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/index.js';
import { systemClock, silentLogger } from '../src/domain/index.js';
import { sweepFreshness } from '../src/freshness/index.js';
import { createRuntime } from '../src/main/runtime.js';
import { mapLimit } from '../src/domain/index.js';

const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };

/** Runs `jobs` jobs through a fresh queue with two workers; resolves when all are done. */
async function throughQueue(prefix: string, jobs: number, work: (i: number) => Promise<void>, keepResults: boolean): Promise<number> {
  const queue = new Queue('bench', { connection, prefix });
  const events = new QueueEvents('bench', { connection, prefix });
  await events.waitUntilReady();
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    events.on('completed', () => {
      if (++done === jobs) resolve();
    });
  });
  const workers = [0, 1].map(() => new Worker('bench', async (job) => work(job.data.i as number), { connection, prefix, concurrency: 1 }));
  const t0 = performance.now();
  for (let i = 0; i < jobs; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ name: 'freshness', data: { i: i + k }, opts: { removeOnComplete: !keepResults } })));
  }
  await finished;
  const ms = performance.now() - t0;
  await Promise.all(workers.map((w) => w.close()));
  await events.close();
  await queue.close();
  return ms;
}

export async function queueBench(o: { dir: string; jobs: number }) {
  await mkdir(path.join(o.dir, 'region/db'), { recursive: true });
  await writeFile(path.join(o.dir, 'region/db/a.sql'), '-- dump\n');
  await writeFile(path.join(o.dir, 'lifeboat.yaml'), 'version: 1\nledger: { dir: ledger }\nstateDir: state\nregions:\n  r: { kind: local, path: region }\nresources:\n  - { id: db, kind: dump-dir, region: r, path: db }\n');
  const config = await loadConfig(path.join(o.dir, 'lifeboat.yaml'));
  const rt = await createRuntime(config, { clock: systemClock, logger: silentLogger, env: {} });
  // The job's work: one resource's freshness check, as a freshness job does.
  const work = async () => {
    await sweepFreshness(config, rt, { resources: ['db'] });
  };
  await work();

  const t = performance.now();
  await mapLimit(
    Array.from({ length: o.jobs }, (_, i) => i),
    2,
    work,
  );
  const inProcessMs = performance.now() - t;

  const prefix = `lbbench-${randomBytes(3).toString('hex')}`;
  const queueMs = await throughQueue(prefix, o.jobs, work, false);

  // Redis memory per 1,000 retained results.
  const redis = new Redis(connection);
  const mem = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
  const prefix2 = `${prefix}-mem`;
  const before = await mem();
  await throughQueue(prefix2, 1000, work, true);
  const perThousand = (await mem()) - before;
  for (const p of [prefix, prefix2]) {
    const q = new Queue('bench', { connection, prefix: p });
    await q.obliterate({ force: true });
    await q.close();
  }
  await redis.quit();
  await rt.close();
  return {
    jobs: o.jobs,
    inProcessMs,
    queueMs,
    inProcessJobsPerSec: o.jobs / (inProcessMs / 1000),
    queueJobsPerSec: o.jobs / (queueMs / 1000),
    ratio: queueMs / inProcessMs,
    overheadMsPerJob: (queueMs - inProcessMs) / o.jobs,
    redisBytesPer1000Results: perThousand,
  };
}
