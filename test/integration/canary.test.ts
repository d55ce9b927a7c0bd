import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrill } from '../../src/drills/index.js';
import { canaryJob } from '../../src/jobs/index.js';
import { canarySetupSql } from '../../src/providers/index.js';
import { POSTGRES, tempPostgresDb, uniqueDbName } from '../helpers/databases.js';
import { drillEstate, drillRuntime, placeDump, run } from '../helpers/drill-estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const H = 3_600_000;

describe('the canary', () => {
  let prod: Awaited<ReturnType<typeof tempPostgresDb>>;
  const role = uniqueDbName('lbcanary');

  beforeAll(async () => {
    prod = await tempPostgresDb();
    await prod.client.query('CREATE TABLE orders (id int PRIMARY KEY)');
    await prod.client.query(canarySetupSql('postgres', prod.name, 'lifeboat_canary', role).replace('choose-a-password', 'canary-pw'));
  });
  afterAll(async () => {
    await prod?.drop();
    const c = new pg.Client({ ...POSTGRES, database: 'postgres' });
    await c.connect();
    await c.query(`DROP ROLE IF EXISTS ${role}`);
    await c.end();
  });

  it('beats into production with an insert-only credential, and the restored beat gives the drill its real RPO', async () => {
    const dir = await tmp();
    const source = `    source: { engine: postgres, host: 127.0.0.1, port: 5432, database: ${prod.name}, canaryCredentials: canary }\n`;
    await drillEstate(dir, { sourceYaml: source, drillYaml: 'checks: { canary: {} }\ntargets: { rpo: 4h }\n' });
    const estate = await readFile(`${dir}/lifeboat.yaml`, 'utf8');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dir}/lifeboat.yaml`, estate.replace('credentials:\n', `credentials:\n  canary: { kind: database, user: ${role}, password: { env: CANARY_PW } }\n`));

    const beatAt = new Date('2026-11-22T00:00:00Z');
    const { config } = await drillRuntime(`${dir}/lifeboat.yaml`, beatAt);
    const { createRuntime } = await import('../../src/main/runtime.js');
    const { fixedClock, silentLogger } = await import('../../src/domain/index.js');
    const rt = await createRuntime(config, { clock: fixedClock(beatAt), logger: silentLogger, env: { ...process.env, CANARY_PW: 'canary-pw', LB_TEST_EMPTY: '' } });
    const outcome = await canaryJob({ runtime: rt, signal: new AbortController().signal }, { job: 'canary', name: 't', cron: '* * * * *', timezone: 'UTC', enabled: true });
    expect(outcome).toMatchObject({ ok: true, summary: '1/1 canary beats written' });
    const { rows } = await prod.client.query<{ beat_at: Date; source: string }>('SELECT beat_at, source FROM lifeboat_canary');
    expect(rows).toEqual([{ beat_at: beatAt, source: 'lifeboat:db' }]);

    // The canary credential can insert and nothing else.
    const asCanary = new pg.Client({ ...POSTGRES, user: role, password: 'canary-pw', database: prod.name });
    await asCanary.connect();
    await expect(asCanary.query('SELECT count(*) FROM lifeboat_canary')).rejects.toThrow(/permission denied/);
    await expect(asCanary.query('SELECT count(*) FROM orders')).rejects.toThrow(/permission denied/);
    await asCanary.end();

    // A backup taken an hour after the beat, restored three hours after it.
    const file = `${dir}/region/db/prod.sql`;
    await run('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', '-f', file, prod.name]);
    await placeDump(dir, 'prod.sql', await readFile(file), { at: new Date(beatAt.getTime() + H) });
    const later = await drillRuntime(`${dir}/lifeboat.yaml`, new Date(beatAt.getTime() + 3 * H));
    const result = await runDrill('to-lite', later.rt);
    expect(result.error).toBeUndefined();
    expect(result.checks!.find((c) => c.kind === 'canary')).toMatchObject({ passed: true, actual: beatAt.toISOString() });
    expect(result.score!.rpo).toEqual({ target: 4 * H, achieved: 3 * H, passed: true });
    expect(result.phase).toBe('passed');
  });
});
