import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMysqlDump, shopDatabase } from '../../src/demo/index.js';
import { BIN, runCli } from '../helpers/cli.js';
import { sandboxLeftovers } from '../helpers/databases.js';
import { drillEstate, placeDump } from '../helpers/drill-estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const sandboxesOnServer = () => sandboxLeftovers('maria');

describe('a drill killed mid-restore', () => {
  it('leaves a lease that lifeboat sandbox sweep tears down: no database or user remains', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await placeDump(dir, 'shop.sql.gz', renderMysqlDump('shop', shopDatabase(1, 60), new Date()), { gzip: true });
    const env = { LB_TEST_EMPTY: '' };
    const child = spawn(process.execPath, [BIN, 'drill', 'run', 'to-maria', '--log-format', 'json'], { cwd: dir, env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const closed = new Promise((r) => child.on('close', r));

    // Wait until the restore step has started, then kill without warning.
    const deadline = Date.now() + 30_000;
    while (!/"msg":"step restore"/.test(stderr) && Date.now() < deadline) await sleep(20);
    expect(stderr).toMatch(/step restore/);
    await sleep(150);
    child.kill('SIGKILL');
    await closed;

    const leases = await readdir(path.join(dir, 'state/leases'));
    expect(leases).toHaveLength(1);
    expect((await sandboxesOnServer()).length).toBeGreaterThanOrEqual(2);

    const swept = await runCli(['sandbox', 'sweep', '--json'], { cwd: dir, env });
    expect(swept.code).toBe(0);
    expect(JSON.parse(swept.stdout)).toMatchObject({ removed: [{ kind: 'mysql' }], failed: [] });
    expect(await sandboxesOnServer()).toEqual([]);
    expect(await readdir(path.join(dir, 'state/leases'))).toEqual([]);

    const runFile = (await readdir(path.join(dir, 'state/runs')))[0]!;
    const run = JSON.parse(await readFile(path.join(dir, 'state/runs', runFile), 'utf8')) as { phase: string; steps: { name: string; endedAt?: string }[] };
    // The sweep closed the run too: abandoned, not running forever; its open step stays as it was.
    expect(run.phase).toBe('abandoned');
    expect(run.steps.at(-1)).toMatchObject({ name: 'restore' });
    expect(run.steps.at(-1)!.endedAt).toBeUndefined();
    const ledger = await readFile(path.join(dir, 'ledger/ledger.jsonl'), 'utf8');
    expect(ledger).toMatch(/"type":"sandbox.swept"/);
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
