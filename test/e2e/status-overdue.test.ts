import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const REDIS = 'redis://127.0.0.1:6379';

/** A run as the run store saves it, started at `startedAt` (only what the cadence reads matters). */
const runFile = (drill: string, startedAt: string, phase: string) => ({ runId: `${drill}-${startedAt.replace(/[-:.]/g, '')}`, drill, resource: 'db', sandbox: 'lite', phase, startedAt, owner: { host: 'h', pid: 1 }, steps: [] });

describe('lifeboat status shows each drill against its cadence', () => {
  it('a monthly drill with no passed run this month is overdue (an inconclusive one does not count); one that passed this month is not', async () => {
    const dir = await tmp();
    await mkdir(path.join(dir, 'drills'), { recursive: true });
    await mkdir(path.join(dir, 'state', 'runs'), { recursive: true });
    await mkdir(path.join(dir, 'region', 'db'), { recursive: true });
    await writeFile(path.join(dir, 'lifeboat.yaml'), 'version: 1\nledger: { dir: ledger }\nstateDir: state\nregions:\n  r: { kind: local, path: region }\nsandboxes:\n  lite: { kind: pglite }\nresources:\n  - { id: db, kind: dump-dir, region: r, path: db }\n');
    await writeFile(path.join(dir, 'drills', 'late.yaml'), 'resource: db\nsandbox: lite\ncadence: monthly\n');
    await writeFile(path.join(dir, 'drills', 'done.yaml'), 'resource: db\nsandbox: lite\ncadence: { every: monthly, grace: 1d }\n');
    // Started a moment ago, so within this calendar month whenever the test runs.
    const now = new Date().toISOString();
    const lastMonth = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const runs = [runFile('late', lastMonth, 'passed'), runFile('late', now, 'inconclusive'), runFile('done', now, 'passed')];
    for (const r of runs) await writeFile(path.join(dir, 'state', 'runs', `${r.runId}.json`), JSON.stringify(r));
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
});
