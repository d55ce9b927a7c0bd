import { readdir } from 'node:fs/promises';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMysqlDump, shopDatabase } from '../../src/demo/index.js';
import { runDrill } from '../../src/drills/index.js';
import { sandboxNames } from '../../src/providers/index.js';
import { runCli } from '../helpers/cli.js';
import { MARIADB, sandboxLeftovers, uniqueDbName } from '../helpers/databases.js';
import { drillEstate, drillRuntime, estatePrefix, placeDump } from '../helpers/drill-estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

/**
 * The case: a sandbox admin that may create databases but not users. The drill
 * fails in provision; its teardown cannot drop the user (MariaDB wants CREATE USER even for
 * DROP USER IF EXISTS), so the lease stays. The sweep fails on it once, then records it and
 * moves on: later sweeps do not fail on it again.
 */
describe('a lease left by a drill whose admin lacked rights does not fail every sweep', () => {
  const admin = uniqueDbName('lbt_admin');
  const password = 'Lim1ted-admin';
  // What the limited admin created and cannot drop (its INSERT on mysql.* let it create the run user): root removes it.
  let runUser: string | undefined;

  beforeAll(async () => {
    const c = await mysql.createConnection(MARIADB);
    await c.query(`CREATE USER '${admin}'@'%' IDENTIFIED BY '${password}'`);
    await c.query(`GRANT CREATE, DROP, SELECT, INSERT ON *.* TO '${admin}'@'%'`);
    await c.end();
  });
  afterAll(async () => {
    const c = await mysql.createConnection(MARIADB);
    await c.query(`DROP USER IF EXISTS '${admin}'@'%'`);
    if (runUser) await c.query(`DROP USER IF EXISTS '${runUser}'@'%'`);
    await c.end();
  });

  it('fails one sweep, then is stuck (recorded, retried with backoff), never failed again; its database is gone', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    // Same estate, the mysql sandbox's admin swapped for the limited one.
    const { readFile, writeFile } = await import('node:fs/promises');
    const estate = path.join(dir, 'lifeboat.yaml');
    await writeFile(estate, (await readFile(estate, 'utf8')).replace('maria-admin: { kind: database, user: root, password: { env: LB_TEST_EMPTY } }', `maria-admin: { kind: database, user: ${admin}, password: { env: LB_TEST_ADMIN_PW } }`));
    await placeDump(dir, 'shop.sql', renderMysqlDump('shop', shopDatabase(1, 5), new Date()));
    process.env.LB_TEST_ADMIN_PW = password;
    const { rt } = await drillRuntime(estate);
    const r = await runDrill('to-maria', rt).finally(() => rt.close());
    delete process.env.LB_TEST_ADMIN_PW;
    // The admin created the database but may not grant on it: provision fails, an error of the setup.
    expect(r.phase).toBe('error');
    expect(r.steps.filter((s) => !s.ok).map((s) => [s.name, s.error])).toEqual([['provision', expect.stringMatching(new RegExp(`^Access denied for user '${admin}'@'%' to database `))]]);
    const mine = sandboxNames('to-maria', r.runId, estatePrefix(dir));
    runUser = mine.user;

    const env = { LB_TEST_EMPTY: '', LB_TEST_ADMIN_PW: password, REDIS_URL: undefined };
    const sweeps = [];
    for (let i = 0; i < 3; i++) sweeps.push(await runCli(['sandbox', 'sweep', '--json'], { cwd: dir, env }));
    const outs = sweeps.map((s) => JSON.parse(s.stdout) as { failed: unknown[]; stuck: { attempts: number }[]; removed: unknown[] });
    // The first sweep fails on the user it may not drop; the later ones record the lease as stuck and do not fail.
    expect(sweeps.map((s) => s.code)).toEqual([1, 0, 0]);
    const userDrop = expect.stringMatching(/CREATE USER privilege/);
    expect(outs.map((o) => o.failed)).toEqual([[{ lease: expect.objectContaining({ database: mine.database, user: mine.user }), error: userDrop }], [], []]);
    expect(outs.map((o) => o.stuck.map((x) => x.attempts))).toEqual([[], [2], [3]]);
    expect(outs.map((o) => o.removed)).toEqual([[], [], []]);
    expect(await readdir(path.join(dir, 'state/leases'))).toEqual([`${r.runId}.json`]);
    // What the limited admin could create, it could drop: the database is gone; the user stays (root removes it after).
    expect(await sandboxLeftovers('maria', estatePrefix(dir))).toEqual([mine.user]);
  }, 90_000);
});
