import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMysqlDump, shopDatabase } from '../../src/demo/index.js';
import { runCli } from '../helpers/cli.js';
import { sandboxLeftovers } from '../helpers/databases.js';
import { drillEstate, estatePrefix, placeDump } from '../helpers/drill-estate.js';
import { ENDLESS_MYSQL_STATEMENT, waitInEndlessRestore } from '../helpers/kill-points.js';
import { cliProcesses } from '../helpers/spawn.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { KILLED_IN_RESTORE, stepsEnded } from '../helpers/drill-steps.js';

const tmp = useTmpDirs();
const procs = cliProcesses();
afterEach(() => procs.killAll());

describe('a drill killed mid-restore', () => {
  it('leaves a lease that lifeboat sandbox sweep tears down: no database or user remains', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    // The dump ends in a statement that never finishes: the kill lands in the restore, whatever this machine's speed.
    await placeDump(dir, 'shop.sql.gz', `${renderMysqlDump('shop', shopDatabase(1, 2), new Date())}\n${ENDLESS_MYSQL_STATEMENT};\n`, { gzip: true, manifest: false });
    const env = { LB_TEST_EMPTY: '' };
    const drill = procs.launch(['drill', 'run', 'to-maria', '--log-format', 'json'], { cwd: dir, env });

    // Wait until the restore is inside its last statement, then kill without warning.
    const leaseDir = path.join(dir, 'state/leases');
    const lease = await waitInEndlessRestore(dir, () => (drill.gone() ? drill.stderr() : undefined));
    expect(drill.gone()).toBe(false);
    drill.child.kill('SIGKILL');
    await drill.exited;

    // Where the kill landed, as the run file recorded it: running, in the restore step, still open.
    const runFile = (await readdir(path.join(dir, 'state/runs')))[0]!;
    const readRun = async () => JSON.parse(await readFile(path.join(dir, 'state/runs', runFile), 'utf8')) as { phase: string; steps: { name: string; endedAt?: string }[] };
    const killed = await readRun();
    expect(killed.phase).toBe('running');
    expect(stepsEnded(killed)).toEqual(KILLED_IN_RESTORE);
    expect(await readdir(leaseDir)).toHaveLength(1);
    expect((await sandboxLeftovers('maria', estatePrefix(dir))).sort()).toEqual([lease.database, lease.user].sort());

    const swept = await runCli(['sandbox', 'sweep', '--json'], { cwd: dir, env });
    expect(swept.code).toBe(0);
    expect(JSON.parse(swept.stdout)).toMatchObject({ removed: [{ kind: 'mysql', database: lease.database, user: lease.user }], failed: [], stuck: [] });
    expect(await sandboxLeftovers('maria', estatePrefix(dir))).toEqual([]);
    expect(await readdir(leaseDir)).toEqual([]);

    // The sweep closed the run too: abandoned, not running forever; its open step stays as it was.
    const run = await readRun();
    expect(run.phase).toBe('abandoned');
    expect(run.steps).toEqual(killed.steps);
    const ledger = (await readFile(path.join(dir, 'ledger/ledger.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: { database?: string } });
    expect(ledger.filter((l) => l.type === 'sandbox.swept').map((l) => l.data.database)).toEqual([lease.database]);
  });
});

describe('lifeboat drill CLI', () => {
  it('run, show and history with exit codes', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await placeDump(dir, 'shop.sql', renderMysqlDump('shop', shopDatabase(2), new Date()));
    const env = { LB_TEST_EMPTY: '' };
    const r = await runCli(['drill', 'run', 'to-maria'], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASSED\s+score 100\/100/);
    expect(r.stdout).toMatch(/completeness\s+100\.0%\s+100\.0%\s+pass/);
    const runId = /run (\S+)/.exec(r.stdout)![1]!;
    const shown = await runCli(['drill', 'show', runId, '--json'], { cwd: dir, env });
    expect(JSON.parse(shown.stdout)).toMatchObject({ runId, phase: 'passed', score: { score: 100 } });
    const hist = await runCli(['drill', 'history', 'to-maria', '--json'], { cwd: dir, env });
    expect(JSON.parse(hist.stdout)).toEqual([expect.objectContaining({ runId, phase: 'passed', completeness: 1 })]);
    const list = await runCli(['drill', 'list'], { cwd: dir, env });
    expect(list.stdout).toMatch(/to-maria\s+db\s+maria/);
    expect((await runCli(['drill', 'run', 'nope'], { cwd: dir, env })).code).toBe(2);
    // The sandbox's secret missing is a config error, and names the variable.
    const noSecret = await runCli(['drill', 'run', 'to-maria'], { cwd: dir, env: { LB_TEST_EMPTY: undefined } });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toMatch(/credentials\.maria-admin\.password: environment variable LB_TEST_EMPTY is not set/);
  });
});
