import { describe, expect, it } from 'vitest';
import { runDrill } from '../../src/drills/index.js';
import { drillEstate, drillRuntime, placeDump } from '../helpers/drill-estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const H = 3_600_000;
const ORDERS = 'CREATE TABLE orders (id int PRIMARY KEY);\nINSERT INTO orders VALUES (1), (2);\n';

/** A fresh backup (an hour old, well within the 4h RPO by its own time) whose canary tells a different story. */
async function drillWith(sql: string) {
  const dir = await tmp();
  const estate = await drillEstate(dir, { drillYaml: 'checks: { canary: {} }\ntargets: { rpo: 4h }\n' });
  const now = new Date();
  await placeDump(dir, 'shop.sql', sql, { at: new Date(now.getTime() - H) });
  const { rt } = await drillRuntime(estate, now);
  try {
    return await runDrill('to-lite', rt);
  } finally {
    await rt.close();
  }
}

describe('a drill that checks the canary measures RPO by it alone', () => {
  it('canary table missing from the restored copy: RPO fails with the reason, the drill fails', async () => {
    const run = await drillWith(ORDERS);
    expect(run.phase).toBe('partially-failed');
    expect(run.score).toMatchObject({ outcome: 'failed', rpo: { target: 4 * H, achieved: null, passed: false }, rto: { passed: true }, completeness: { achieved: 1, passed: true } });
    expect(run.score!.reasons).toEqual(['RPO: not measured: the drill measures RPO by the canary and canary table lifeboat_canary is missing from the restored copy']);
  });

  it('canary table empty: RPO fails with the reason', async () => {
    const run = await drillWith(`${ORDERS}CREATE TABLE lifeboat_canary (beat_at timestamptz NOT NULL, source text NOT NULL);\n`);
    expect(run.phase).toBe('partially-failed');
    expect(run.score).toMatchObject({ rpo: { achieved: null, passed: false } });
    expect(run.score!.reasons).toEqual(['RPO: not measured: the drill measures RPO by the canary and canary table lifeboat_canary is empty']);
  });

  it('a beat within target passes', async () => {
    const beat = new Date(Date.now() - 2 * H).toISOString();
    const run = await drillWith(`${ORDERS}CREATE TABLE lifeboat_canary (beat_at timestamptz NOT NULL, source text NOT NULL);\nINSERT INTO lifeboat_canary VALUES ('${beat}', 'lifeboat:db');\n`);
    expect(run.phase).toBe('passed');
    expect(run.score).toMatchObject({ outcome: 'passed', rpo: { passed: true }, reasons: [] });
  });
});
