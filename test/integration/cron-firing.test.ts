import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger, systemClock, type Logger } from '../../src/domain/index.js';
import type { Runtime } from '../../src/jobs/index.js';
import { createRuntime } from '../../src/main/runtime.js';
import { startCronScheduler, type EmbeddedScheduler } from '../../src/scheduling/index.js';
import { writeDump } from '../helpers/estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function until(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * Embedded mode as `lifeboat start` runs it: node-cron in this process, over a real estate
 * folder. The only seam is the backup catalog, which records when each sweep starts and
 * can hold a sweep open to stand for a slow one.
 */
/** A logger that keeps what was logged, with the bindings of its children. */
function recordingLogger(into: { level: string; bindings: Record<string, unknown>; msg: string }[], bindings: Record<string, unknown> = {}): Logger {
  const at = (level: string) => (obj: object | string, msg?: string) => into.push({ level, bindings, msg: typeof obj === 'string' ? obj : (msg ?? '') });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (b) => recordingLogger(into, { ...bindings, ...b }) };
}

async function embedded(cronText: string) {
  const dir = await tmp();
  await mkdir(path.join(dir, 'schedules'), { recursive: true });
  await writeFile(path.join(dir, 'lifeboat.yaml'), 'version: 1\nledger: { dir: ledger }\nstateDir: state\nregions:\n  local: { kind: local, path: region }\nresources:\n  - { id: db, kind: dump-dir, region: local, path: db, rpo: 24h }\n');
  await writeFile(path.join(dir, 'schedules/sweep.yaml'), `job: freshness\ncron: "${cronText}"\n`);
  await writeDump(dir, 'db', 'a.sql', { at: new Date(Date.now() - 3_600_000) });
  const rt = await createRuntime(await loadConfig(path.join(dir, 'lifeboat.yaml')), { clock: systemClock, logger: silentLogger, env: {} });

  const starts: number[] = [];
  const ends: number[] = [];
  let gate: Promise<void> | undefined;
  const list = rt.catalog.list.bind(rt.catalog);
  const runtime: Runtime = {
    ...rt,
    catalog: {
      ...rt.catalog,
      list: async (resource) => {
        starts.push(Date.now());
        try {
          await gate;
          return await list(resource);
        } finally {
          ends.push(Date.now());
        }
      },
    },
  };
  let release: () => void = () => undefined;
  const hold = () => {
    gate = new Promise<void>((r) => (release = () => r()));
  };
  const logs: { level: string; bindings: Record<string, unknown>; msg: string }[] = [];
  // On a busy machine a slot can fire before the test gets to look: the first run is held from the start, and slots are judged from here.
  hold();
  const startedAt = Date.now();
  const scheduler: EmbeddedScheduler = startCronScheduler(runtime, recordingLogger(logs));
  stops.push(async () => {
    release();
    await scheduler.stop();
    await rt.close();
  });
  // node-cron keeps its tasks in a registry by name: the one lifeboat made for this schedule.
  const task = [...cron.getTasks().values()].filter((t) => t.name === 'sweep').at(-1)!;
  return { dir, scheduler, task, starts, ends, logs, hold, release: () => release(), startedAt };
}

describe('embedded scheduler (node-cron)', () => {
  it('fires a schedule at its slot, and skips a slot that comes while the previous run is still going', async () => {
    const e = await embedded('* * * * * *');
    const overlaps: number[] = [];
    e.task.on('execution:overlap', () => {
      overlaps.push(Date.now());
    });
    // The scheduler says when each schedule runs next: a whole second, for this every-second cron.
    const next = e.scheduler.scheduled[0]!.next!.getTime();
    expect(e.scheduler.scheduled).toEqual([{ name: 'sweep', next: new Date(next) }]);
    expect(next % 1000).toBe(0);

    // The first run (held open from the start) starts at a slot: never before the first slot after the scheduler started.
    await until('the first run', () => e.starts.length === 1);
    const firstSlot = Math.ceil(e.startedAt / 1000) * 1000;
    expect(e.starts[0]!).toBeGreaterThanOrEqual(firstSlot);
    expect(e.starts[0]! - firstSlot).toBeLessThan(5000);

    // While it is held open, two more slots come and are skipped, not started and not queued.
    await until('two slots during the run', () => overlaps.length >= 2);
    expect(e.starts).toHaveLength(1);
    expect(e.ends).toHaveLength(0);
    // Each skip is said in lifeboat's log (JSON with --log-format json), naming the schedule.
    expect(e.logs.filter((l) => l.level === 'warn' && /still running/.test(l.msg)).map((l) => l.bindings)).toEqual(expect.arrayContaining([{ schedule: 'sweep', job: 'freshness' }]));

    // Released, it finishes; the next slot starts a new run, and only one (nothing queued behind it).
    const releasedAt = Date.now();
    e.release();
    await until('the second run', () => e.starts.length === 2 && e.ends.length === 2);
    expect(e.starts[1]!).toBeGreaterThan(releasedAt);
    expect(e.starts[1]! - releasedAt).toBeLessThan(2000);
    // One run per second from here on: no burst of the skipped slots.
    await until('a third run', () => e.starts.length === 3);
    expect(e.starts[2]! - e.starts[1]!).toBeGreaterThan(500);
  });
});
