import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const REDIS = 'redis://127.0.0.1:6379';

/** A run as the run store saves it, started at `startedAt` (only what the cadence reads matters). */
const runFile = (drill: string, startedAt: string, phase: string) => ({
  runId: `${drill}-${startedAt.replace(/[-:.]/g, '')}`,
  drill,
  resource: 'db',
  sandbox: 'lite',
  phase,
  startedAt,
  owner: { host: 'h', pid: 1 },
  steps: [] as { name: string; startedAt: string }[],
});

/** An estate with two monthly drills: `late` last passed 40 days ago (its run this month was inconclusive), `done` passed now. */
async function estateWithRuns(extra: { runs?: ReturnType<typeof runFile>[]; schedules?: Record<string, string> } = {}) {
  const dir = await tmp();
  await mkdir(path.join(dir, 'drills'), { recursive: true });
  await mkdir(path.join(dir, 'state', 'runs'), { recursive: true });
  await mkdir(path.join(dir, 'region', 'db'), { recursive: true });
  await writeFile(
    path.join(dir, 'lifeboat.yaml'),
    'version: 1\nledger: { dir: ledger }\nstateDir: state\nregions:\n  r: { kind: local, path: region }\nsandboxes:\n  lite: { kind: pglite }\nresources:\n  - { id: db, kind: dump-dir, region: r, path: db }\n',
  );
  await writeFile(path.join(dir, 'drills', 'late.yaml'), 'resource: db\nsandbox: lite\ncadence: monthly\n');
  await writeFile(path.join(dir, 'drills', 'done.yaml'), 'resource: db\nsandbox: lite\ncadence: { every: monthly, grace: 1d }\n');
  // Started a moment ago, so within this calendar month whenever the test runs.
  const now = new Date().toISOString();
  const lastMonth = new Date(Date.now() - 40 * 86_400_000).toISOString();
  const runs = [runFile('late', lastMonth, 'passed'), runFile('late', now, 'inconclusive'), runFile('done', now, 'passed')];
  for (const r of [...runs, ...(extra.runs ?? [])]) await writeFile(path.join(dir, 'state', 'runs', `${r.runId}.json`), JSON.stringify(r));
  await mkdir(path.join(dir, 'schedules'), { recursive: true });
  for (const [name, text] of Object.entries(extra.schedules ?? {})) await writeFile(path.join(dir, 'schedules', name), text);
  return { dir, now, lastMonth };
}

describe('lifeboat status shows each drill against its cadence', () => {
  it('a monthly drill with no passed run this month is overdue (an inconclusive one does not count); one that passed this month is not', async () => {
    const { dir, now, lastMonth } = await estateWithRuns();
    const prefix = `lbtest-${randomBytes(4).toString('hex')}`;

    const j = await runCli(['status', '--redis', REDIS, '--prefix', prefix, '--json'], { cwd: dir });
    expect(j.code).toBe(1);
    const st = JSON.parse(j.stdout) as { drills: { drill: string; overdue: boolean; lastPassed: string | null; lastRun: { phase: string } | null }[] };
    expect(st.drills.map((d) => [d.drill, d.overdue, d.lastPassed, d.lastRun?.phase]).sort()).toEqual([
      ['done', false, now, 'passed'],
      ['late', true, lastMonth, 'inconclusive'],
    ]);

    const text = await runCli(['status', '--redis', REDIS, '--prefix', prefix], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^late\s+monthly\s+\S+\s+\S+\s+\S+ inconclusive\s+OVERDUE$/m);
    expect(text.stdout).toMatch(/^done\s+monthly \(grace 1d\)\s+.*\s+ok$/m);
    expect(text.stdout).toContain(`! drill late is overdue: no passed run since`);
    expect(text.stdout).toContain(`(monthly); last passed ${lastMonth}`);
  });

  it("without Redis: the embedded deployment from the estate's files (schedules' next slots, running drills, cadences), exit 1 for the overdue drill", async () => {
    const running = { ...runFile('done', new Date().toISOString(), 'running'), runId: 'done-running', steps: [{ name: 'restore', startedAt: new Date().toISOString() }] };
    const { dir } = await estateWithRuns({ runs: [running], schedules: { 'sweep.yaml': 'job: freshness\ncron: "0 3 * * *"\ntimezone: Asia/Shanghai\n' } });
    const j = await runCli(['status', '--json'], { cwd: dir, env: { REDIS_URL: undefined } });
    expect(j.code, j.stderr).toBe(1);
    const st = JSON.parse(j.stdout) as { mode: string; schedules: { name: string; next: string }[]; runningDrills: { runId: string; step: string }[]; drills: { drill: string; overdue: boolean }[] };
    expect(st.mode).toBe('embedded');
    // 03:00 in Shanghai is 19:00 UTC, within the next day.
    const next = new Date(st.schedules[0]!.next);
    expect(st.schedules.map((x) => x.name)).toEqual(['sweep']);
    expect([next.getUTCHours(), next.getUTCMinutes(), next.getTime() > Date.now(), next.getTime() - Date.now() <= 86_400_000]).toEqual([19, 0, true, true]);
    expect(st.runningDrills).toEqual([expect.objectContaining({ runId: 'done-running', step: 'restore' })]);
    expect(st.drills.map((d) => [d.drill, d.overdue]).sort()).toEqual([
      ['done', false],
      ['late', true],
    ]);

    const text = await runCli(['status'], { cwd: dir, env: { REDIS_URL: undefined } });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^sweep\s+freshness\s+0 3 \* \* \* Asia\/Shanghai\s+\S+T19:00:00\.000Z$/m);
    expect(text.stdout).toMatch(/^done\s+done-running\s+restore\s/m);
    expect(text.stdout).toContain('! drill late is overdue');
  });
});
