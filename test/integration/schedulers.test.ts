import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/domain/index.js';
import { QUEUE_OF, queueSettings, redisConnection, schedulerId, syncSchedulers } from '../../src/queue/index.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const connection = redisConnection('redis://127.0.0.1:6379');
const prefixes: string[] = [];

afterEach(async () => {
  for (const prefix of prefixes.splice(0)) {
    for (const q of new Set(Object.values(QUEUE_OF))) {
      const queue = new Queue(q, { connection, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
  }
});

async function tree(schedules: Record<string, string>) {
  const dir = await tmp();
  await mkdir(path.join(dir, 'schedules'), { recursive: true });
  await mkdir(path.join(dir, 'drills'), { recursive: true });
  await writeFile(path.join(dir, 'lifeboat.yaml'), 'version: 1\nregions:\n  r: { kind: local, path: region }\nsandboxes:\n  lite: { kind: pglite }\nresources:\n  - { id: db, kind: dump-dir, region: r, path: db }\n');
  await writeFile(path.join(dir, 'drills/d.yaml'), 'resource: db\nsandbox: lite\n');
  for (const [name, text] of Object.entries(schedules)) await writeFile(path.join(dir, 'schedules', `${name}.yaml`), text);
  return dir;
}

describe('BullMQ job schedulers from schedules/', () => {
  it('fire at the same instants as the embedded scheduler, and follow adds, changes and removals', async () => {
    const prefix = `lbtest-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    const dir = await tree({
      'first-saturday': 'job: freshness\ncron: "0 3 1-7 * 6"\ntimezone: Asia/Shanghai\n',
      quarterly: 'job: drill\ndrill: d\ncron: "0 9 1-7 1,4,7,10 1"\n',
    });
    await syncSchedulers(await loadConfig(path.join(dir, 'lifeboat.yaml')), connection, prefix, silentLogger);
    await syncSchedulers(await loadConfig(path.join(dir, 'lifeboat.yaml')), connection, prefix, silentLogger);

    const fresh = new Queue('freshness', { connection, prefix, settings: queueSettings });
    const drills = new Queue('drill', { connection, prefix, settings: queueSettings });
    const next = async (q: Queue, name: string) => (await q.getJobScheduler(schedulerId(name)))?.next;
    const embedded = (pattern: string, timezone: string) => {
      const task = cron.createTask(pattern, () => undefined, { timezone });
      const at = task.getNextRuns(1)[0]!.getTime();
      void task.destroy();
      return at;
    };
    expect(await next(fresh, 'first-saturday')).toBe(embedded('0 3 1-7 * 6', 'Asia/Shanghai'));
    expect(await next(drills, 'quarterly')).toBe(embedded('0 9 1-7 1,4,7,10 1', 'UTC'));
    expect(await fresh.getJobSchedulers()).toHaveLength(1);

    // Change one, remove the other, add a third: the schedulers follow the files.
    await writeFile(path.join(dir, 'schedules/first-saturday.yaml'), 'job: freshness\ncron: "30 2 * * *"\ntimezone: Asia/Shanghai\n');
    await rm(path.join(dir, 'schedules/quarterly.yaml'));
    await writeFile(path.join(dir, 'schedules/hourly.yaml'), 'job: canary\ncron: "0 * * * *"\n');
    const r = await syncSchedulers(await loadConfig(path.join(dir, 'lifeboat.yaml')), connection, prefix, silentLogger);
    expect(r.removed).toEqual(['quarterly']);
    expect(await next(fresh, 'first-saturday')).toBe(embedded('30 2 * * *', 'Asia/Shanghai'));
    expect(await drills.getJobSchedulers()).toEqual([]);
    const canary = new Queue('canary', { connection, prefix, settings: queueSettings });
    expect(await next(canary, 'hourly')).toBe(embedded('0 * * * *', 'UTC'));
    await Promise.all([fresh.close(), drills.close(), canary.close()]);
  });
});
