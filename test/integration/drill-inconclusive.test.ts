import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dryRunDrill, runDrill } from '../../src/drills/index.js';
import { PASSING_SCORE } from '../../src/scoring/index.js';
import { runCli } from '../helpers/cli.js';
import { drillEstate, drillRuntime, placeDump } from '../helpers/drill-estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const DUMP = 'CREATE TABLE orders (id int PRIMARY KEY);\nINSERT INTO orders VALUES (1), (2);\n';

describe('a drill restored with no completeness check runs to an inconclusive end', () => {
  it('a manifest-less backup restored into PGlite: phase inconclusive, completeness null, ledgered as such; the dry run warns', async () => {
    const dir = await tmp();
    const estate = await drillEstate(dir);
    await placeDump(dir, 'shop.sql', DUMP, { manifest: false });
    const { rt } = await drillRuntime(estate);
    try {
      const ready = await dryRunDrill('to-lite', rt);
      expect(ready.ready).toBe(true);
      expect(ready.warnings).toEqual(['no completeness checks: backup shop.sql has no manifest and drill to-lite has no assertions, so the run will be inconclusive (exit 4); write one with lifeboat manifest or add an assertion']);
      const run = await runDrill('to-lite', rt);
      expect(run.phase).toBe('inconclusive');
      expect(run.checks).toEqual([]);
      expect(run.score).toMatchObject({ outcome: 'inconclusive', passed: false, completeness: { achieved: null, passed: false }, rto: { passed: true }, rpo: { passed: true } });
      expect(run.score!.score).toBeLessThan(PASSING_SCORE);
      expect((await rt.runs.get(run.runId))!.phase).toBe('inconclusive');
    } finally {
      await rt.close();
    }
    const ledger = (await readFile(path.join(dir, 'ledger', 'ledger.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: { phase?: string } });
    expect(ledger.filter((e) => e.type === 'drill.finished').map((e) => e.data.phase)).toEqual(['inconclusive']);
  });

  it('the same drill with a manifest passes', async () => {
    const dir = await tmp();
    const estate = await drillEstate(dir);
    await placeDump(dir, 'shop.sql', DUMP);
    const { rt } = await drillRuntime(estate);
    try {
      expect((await dryRunDrill('to-lite', rt)).warnings).toEqual([]);
      const run = await runDrill('to-lite', rt);
      expect(run.phase).toBe('passed');
      expect(run.score).toMatchObject({ outcome: 'passed', completeness: { achieved: 1 } });
    } finally {
      await rt.close();
    }
  });

  it('drill run on the CLI: exit 4; --dry-run warns and exits 0; show, history and --json say inconclusive', { timeout: 120_000 }, async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await placeDump(dir, 'shop.sql', DUMP, { manifest: false });
    const env = { LB_TEST_EMPTY: '' };
    const dry = await runCli(['drill', 'run', 'to-lite', '--dry-run'], { cwd: dir, env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('! no completeness checks: backup shop.sql has no manifest');
    const j = await runCli(['drill', 'run', 'to-lite', '--json'], { cwd: dir, env });
    expect(j.code).toBe(4);
    const run = JSON.parse(j.stdout) as { runId: string };
    expect(run).toMatchObject({ phase: 'inconclusive', score: { outcome: 'inconclusive', completeness: { achieved: null } } });
    const shown = await runCli(['drill', 'show', run.runId], { cwd: dir, env });
    expect(shown.stdout).toMatch(/to-lite .* INCONCLUSIVE {2}score 35\/100/);
    expect(shown.stdout).toMatch(/completeness\s+100\.0%\s+unknown\s+UNKNOWN/);
    const hist = await runCli(['drill', 'history', 'to-lite', '--json'], { cwd: dir, env });
    expect((JSON.parse(hist.stdout) as { phase: string; completeness: unknown }[]).map((h) => [h.phase, h.completeness])).toEqual([['inconclusive', null]]);
  });
});
