import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runDrill } from '../../src/drills/index.js';
import { runCli } from '../helpers/cli.js';
import { drillEstate, drillRuntime, placeDump } from '../helpers/drill-estate.js';
import { leftoversOf, ownDrill } from '../helpers/own-drills.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

const DUMP = 'CREATE TABLE orders (id INT PRIMARY KEY, total INT NOT NULL);\nINSERT INTO orders VALUES (1, 10), (2, 20), (3, 30);\n';

/** One row-count check (orders, weight 1) from the manifest, and the drill's own assertions. */
const drillYaml = (assertions: string, completeness = 1) => `resource: db
sandbox: maria
checks:
  rowCounts: true
  checksums: false
  schemaObjects: false
  assertions:
${assertions}targets: { completeness: ${completeness} }
`;

describe('SQL assertions in a drill, and their weight', () => {
  it('a failing assertion fails the drill under its name; its weight sets the completeness score', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await placeDump(dir, 'db.sql', DUMP);
    const assertions =
      '    - { name: three orders, sql: "SELECT count(*) FROM orders", equals: 3 }\n' +
      '    - { name: revenue over a hundred, sql: "SELECT sum(total) FROM orders", min: 100, weight: 3 }\n' +
      '    - { name: no order above 25, sql: "SELECT max(total) FROM orders", max: 25 }\n';
    const name = await ownDrill(dir, 'assert', drillYaml(assertions));
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    const run = await runDrill(name, rt);
    expect(run.error).toBeUndefined();
    expect(run.checks).toEqual([
      { kind: 'row-count', name: 'orders', weight: 1, passed: true, expected: 3, actual: 3, message: 'orders: 3 rows' },
      { kind: 'assertion', name: 'three orders', weight: 1, passed: true, expected: '= 3', actual: 3, message: 'three orders: 3' },
      { kind: 'assertion', name: 'revenue over a hundred', weight: 3, passed: false, expected: '>= 100', actual: 60, message: 'revenue over a hundred: expected >= 100, got 60' },
      { kind: 'assertion', name: 'no order above 25', weight: 1, passed: false, expected: '<= 25', actual: 30, message: 'no order above 25: expected <= 25, got 30' },
    ]);
    // Passed weight 1 + 1 of a total 1 + 1 + 3 + 1.
    expect(run.score!.completeness).toEqual({ target: 1, achieved: 2 / 6, passed: false });
    expect(run.phase).toBe('partially-failed');
    expect(run.score!.passed).toBe(false);
    // A failed drill's points (40 × 1/3 + 30 + 30) scaled into 0-59.
    expect(run.score!.score).toBe(Math.floor((((40 * 2) / 6 + 60) * 59) / 100));
    expect(await leftoversOf('maria', name)).toEqual([]);
    await rt.close();
    const finished = (await readFile(`${dir}/ledger/ledger.jsonl`, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: { checks?: { name: string; passed: boolean }[] } })
      .at(-1)!;
    expect(finished.type).toBe('drill.finished');
    expect(finished.data.checks!.filter((c) => !c.passed).map((c) => c.name)).toEqual(['revenue over a hundred', 'no order above 25']);
  });

  it('weights decide whether a completeness target is met: the same failing assertion at weight 1 passes a 0.6 target, at weight 2 it does not', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await placeDump(dir, 'db.sql', DUMP);
    const failing = (weight: string) => `    - { name: ten orders, sql: "SELECT count(*) FROM orders", equals: 10${weight} }\n`;
    const light = await ownDrill(dir, 'wlight', drillYaml('    - { name: has orders, sql: "SELECT count(*) FROM orders", min: 1 }\n' + failing(''), 0.6));
    const heavy = await ownDrill(dir, 'wheavy', drillYaml('    - { name: has orders, sql: "SELECT count(*) FROM orders", min: 1 }\n' + failing(', weight: 2'), 0.6));
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);

    const a = await runDrill(light, rt);
    expect(a.checks!.find((c) => c.name === 'ten orders')).toMatchObject({ passed: false, weight: 1 });
    expect(a.score!.completeness).toEqual({ target: 0.6, achieved: 2 / 3, passed: true });
    expect(a.phase).toBe('passed');
    // A passed drill scores 60 + 40 × completeness.
    expect(a.score!.score).toBe(Math.round(60 + (40 * 2) / 3));

    const b = await runDrill(heavy, rt);
    expect(b.checks!.find((c) => c.name === 'ten orders')).toMatchObject({ passed: false, weight: 2 });
    expect(b.score!.completeness).toEqual({ target: 0.6, achieved: 2 / 4, passed: false });
    expect(b.phase).toBe('partially-failed');
    expect(b.score!.score).toBeLessThan(60);
    await rt.close();
    expect([...(await leftoversOf('maria', light)), ...(await leftoversOf('maria', heavy))]).toEqual([]);
  });

  it('an assertion whose SQL fails is a failed check with the server error, and drill run prints its name and exits 1', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await placeDump(dir, 'db.sql', DUMP);
    const name = await ownDrill(dir, 'assertcli', drillYaml('    - { name: refunds recorded, sql: "SELECT count(*) FROM refunds", min: 1 }\n'));
    const r = await runCli(['-c', `${dir}/lifeboat.yaml`, 'drill', 'run', name], { env: { LB_TEST_EMPTY: '' } });
    expect(r.stdout).toMatch(/FAILED {2}score \d+\/100/);
    expect(r.stdout).toContain('checks: 1/2 passed');
    expect(r.stdout).toMatch(/✗ assertion refunds recorded: query failed: .*refunds.* doesn't exist/);
    expect(r.code).toBe(1);
    expect(await leftoversOf('maria', name)).toEqual([]);
  });
});
