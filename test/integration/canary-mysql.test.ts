import mysql from 'mysql2/promise';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrill } from '../../src/drills/index.js';
import { runCli } from '../helpers/cli.js';
import { MARIADB, tempMariaDb, uniqueDbName } from '../helpers/databases.js';
import { drillEstate, drillRuntime, placeDump, run } from '../helpers/drill-estate.js';
import { leftoversOf, ownDrill } from '../helpers/own-drills.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const H = 3_600_000;

describe('the canary on MySQL/MariaDB, and the canary commands', () => {
  let prod: Awaited<ReturnType<typeof tempMariaDb>>;
  const user = uniqueDbName('lbcan').slice(0, 16);

  beforeAll(async () => {
    prod = await tempMariaDb();
    await prod.conn.query('CREATE TABLE orders (id INT PRIMARY KEY); INSERT INTO orders VALUES (1), (2);');
  });
  afterAll(async () => {
    await prod?.drop();
    const c = await mysql.createConnection(MARIADB);
    await c.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await c.end();
  });

  it('canary setup prints the table and insert-only user; canary beats with it; the restored beat gives a drill its RPO', async () => {
    // Production's estate: the resource's source, written to by the canary only.
    const prodDir = await tmp();
    await drillEstate(prodDir, { sourceYaml: `    source: { engine: mysql, host: 127.0.0.1, port: 3306, database: ${prod.name}, canaryCredentials: canary }\n` });
    const estate = await readFile(`${prodDir}/lifeboat.yaml`, 'utf8');
    await writeFile(`${prodDir}/lifeboat.yaml`, estate.replace('credentials:\n', `credentials:\n  canary: { kind: database, user: ${user}, password: { env: CANARY_PW } }\n`));
    const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli(['-c', `${prodDir}/lifeboat.yaml`, ...args], { env: { LB_TEST_EMPTY: '', ...env } });

    const setup = await cli(['canary', 'setup', 'db']);
    expect(setup.code).toBe(0);
    expect(setup.stdout.trim().split('\n')).toEqual([
      `CREATE TABLE \`${prod.name}\`.\`lifeboat_canary\` (id BIGINT AUTO_INCREMENT PRIMARY KEY, beat_at DATETIME(6) NOT NULL, source VARCHAR(100) NOT NULL);`,
      "CREATE USER 'lifeboat_canary'@'%' IDENTIFIED BY 'choose-a-password';",
      `GRANT INSERT ON \`${prod.name}\`.\`lifeboat_canary\` TO 'lifeboat_canary'@'%';`,
    ]);
    const json = await cli(['canary', 'setup', 'db', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ resource: 'db', engine: 'mysql', sql: setup.stdout.trim() });
    // The DBA runs it once, with their own user name and password.
    await prod.conn.query(setup.stdout.replaceAll("'lifeboat_canary'@", `'${user}'@`).replace('choose-a-password', 'canary-pw'));

    expect(await cli(['canary', '-r', 'nope'], { CANARY_PW: 'canary-pw' })).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown resource nope/) });
    const wrong = await cli(['canary'], { CANARY_PW: 'not-it' });
    expect(wrong.stdout.trim()).toBe('0/1 canary beats written');
    expect(wrong.code).toBe(1);

    const before = Date.now();
    const beat = await cli(['canary', '-r', 'db'], { CANARY_PW: 'canary-pw' });
    expect(beat.stdout.trim()).toBe('1/1 canary beats written');
    expect(beat.code).toBe(0);
    const [rows] = await prod.conn.query<mysql.RowDataPacket[]>("SELECT DATE_FORMAT(beat_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS at, source FROM lifeboat_canary");
    expect(rows.map((r) => r.source)).toEqual(['lifeboat:db']);
    const beatAt = new Date(String(rows[0]!.at));
    expect(beatAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(beatAt.getTime()).toBeLessThanOrEqual(Date.now());

    // The canary's login can insert and nothing else.
    const asCanary = await mysql.createConnection({ ...MARIADB, user, password: 'canary-pw', database: prod.name });
    try {
      await expect(asCanary.query('SELECT count(*) FROM lifeboat_canary')).rejects.toThrow(/denied/);
      await expect(asCanary.query('SELECT count(*) FROM orders')).rejects.toThrow(/denied/);
    } finally {
      await asCanary.end();
    }

    // A backup of production, restored into a sandbox (another estate: the guard keeps drills off production's server) three hours after the beat.
    const { stdout } = await run('mysqldump', ['-h127.0.0.1', '-uroot', '--single-transaction', prod.name], { maxBuffer: 1 << 26 });
    const drillDir = await tmp();
    await drillEstate(drillDir);
    await placeDump(drillDir, 'prod.sql', stdout, { at: new Date(beatAt.getTime() + H) });
    const name = await ownDrill(drillDir, 'canmy', 'resource: db\nsandbox: maria\nchecks: { canary: {} }\ntargets: { rpo: 4h }\n');
    const { rt } = await drillRuntime(`${drillDir}/lifeboat.yaml`, new Date(beatAt.getTime() + 3 * H));
    const result = await runDrill(name, rt);
    await rt.close();
    expect(result.error).toBeUndefined();
    expect(result.checks!.find((c) => c.kind === 'canary')).toMatchObject({ passed: true, actual: beatAt.toISOString(), message: `newest canary beat ${beatAt.toISOString()}` });
    expect(result.score!.rpo).toEqual({ target: 4 * H, achieved: 3 * H, passed: true });
    expect(result.phase).toBe('passed');
    expect(await leftoversOf('maria', name)).toEqual([]);
  });
});
