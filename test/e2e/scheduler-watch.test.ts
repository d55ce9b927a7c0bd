import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { queueSettings, schedulerId } from '../../src/queue/index.js';
import { REDIS_CONNECTION, REDIS_URL, useQueueProcesses } from '../helpers/queue-prefixes.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

const tmp = useTmpDirs();
const REDIS = REDIS_URL;
const connection = REDIS_CONNECTION;
const { procs, prefixes } = useQueueProcesses();

const until = <T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000) => waitUntil(what, probe, ok, { timeout: timeoutMs, every: 100 });

describe('lifeboat scheduler follows schedules/ as it is edited', () => {
  it('applies adds, changes and removals at once; a broken edit keeps the last good schedules and says why', async () => {
    const dir = await tmp();
    await mkdir(path.join(dir, 'schedules'), { recursive: true });
    await writeFile(path.join(dir, 'lifeboat.yaml'), 'version: 1\nledger: { dir: ledger }\nstateDir: state\nregions:\n  r: { kind: local, path: region }\nresources:\n  - { id: db, kind: dump-dir, region: r, path: db }\n');
    const file = (name: string) => path.join(dir, 'schedules', `${name}.yaml`);
    await writeFile(file('sweep'), 'job: freshness\ncron: "0 3 * * *"\n');
    const prefix = `lbtest-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);

    const scheduler = procs.launch(['scheduler', '--prefix', prefix, '--log-format', 'json'], { cwd: dir, env: { REDIS_URL: REDIS }, stdout: true });
    const { child, exited } = scheduler;
    const logs = () =>
      scheduler
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: number; msg: string; err?: string });
    // Well inside the scheduler's once-a-minute resync: what follows is the folder watch at work.
    const startedAt = Date.now();

    const fresh = new Queue('freshness', { connection, prefix, settings: queueSettings });
    const canary = new Queue('canary', { connection, prefix, settings: queueSettings });
    const pattern = (q: Queue, name: string) => async () => (await q.getJobScheduler(schedulerId(name)))?.pattern ?? null;
    try {
      await until('the first sync', pattern(fresh, 'sweep'), (p) => p === '0 3 * * *', 40_000);
      await until(
        'the running log line',
        async () => logs().map((l) => l.msg),
        (m) => m.includes('scheduler running; Ctrl-C to stop'),
      );

      // Added.
      await writeFile(file('beat'), 'job: canary\ncron: "0 * * * *"\n');
      await until('beat added', pattern(canary, 'beat'), (p) => p === '0 * * * *');
      // Changed.
      await writeFile(file('sweep'), 'job: freshness\ncron: "30 2 * * *"\ntimezone: Asia/Shanghai\n');
      const changed = await until(
        'sweep changed',
        async () => fresh.getJobScheduler(schedulerId('sweep')),
        (s) => s?.pattern === '30 2 * * *',
      );
      expect(changed!.tz).toBe('Asia/Shanghai');
      // Removed.
      await rm(file('beat'));
      await until(
        'beat removed',
        async () => canary.getJobSchedulers(),
        (l) => l.length === 0,
      );

      // Broken: a cron no clock has, and in the same edit a new valid schedule. Nothing of it is applied.
      await writeFile(file('sweep'), 'job: freshness\ncron: "61 * * * *"\n');
      await writeFile(file('extra'), 'job: canary\ncron: "15 * * * *"\n');
      const refused = await until(
        'the refusal in the log',
        async () => logs().filter((l) => l.msg === 'schedules/ not applied'),
        (l) => l.length > 0,
      );
      expect(refused[0]!.level).toBe(50);
      expect(refused[0]!.err).toMatch(/schedules\/sweep\.yaml:2:7 cron: /);
      expect(await fresh.getJobScheduler(schedulerId('sweep'))).toMatchObject({ pattern: '30 2 * * *', tz: 'Asia/Shanghai' });
      expect(await canary.getJobSchedulers()).toEqual([]);
      expect(child.exitCode).toBeNull();

      // Mended: the whole tree applies, the new schedule included.
      await writeFile(file('sweep'), 'job: freshness\ncron: "45 4 * * *"\n');
      await until('sweep mended', pattern(fresh, 'sweep'), (p) => p === '45 4 * * *');
      await until('extra added', pattern(canary, 'extra'), (p) => p === '15 * * * *');
      expect(Date.now() - startedAt).toBeLessThan(60_000);
    } finally {
      await Promise.all([fresh.close(), canary.close()]);
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // A scheduler prints nothing but logs.
    expect(scheduler.stdout()).toBe('');
  }, 90_000);
});
