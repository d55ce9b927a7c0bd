import mysql from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dryRunDrill, guardSandbox, runDrill } from '../../src/drills/index.js';
import { canonicalAddress } from '../../src/drills/server-aliases.js';
import { createDatabaseReader, createMysqlSandbox, createPostgresSandbox, type SandboxProvider } from '../../src/providers/index.js';
import { runCli } from '../helpers/cli.js';
import { MARIADB, POSTGRES, sandboxLeftovers, tempMariaDb, uniqueDbName } from '../helpers/databases.js';
import { drillEstate, drillRuntime, estatePrefix, placeDump } from '../helpers/drill-estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

describe('the sandbox guard knows the server, not its name', () => {
  let src: Awaited<ReturnType<typeof tempMariaDb>>;
  beforeAll(async () => {
    src = await tempMariaDb();
  });
  afterAll(async () => {
    await src?.drop();
  });

  const prodYaml = (host: string, extra = '') => `    source: { engine: mysql, host: "${host}", port: 3306, database: ${src.name}${extra} }\n`;

  it.each(['0.0.0.0', '::ffff:127.0.0.1', '::', '127.0.0.2', 'localhost'])('refuses a sandbox at %s when production is 127.0.0.1 on the same port, before anything is written, and ledgers the refusal', async (alias) => {
    const dir = await tmp();
    await drillEstate(dir, { sandboxHost: `"${alias}"`, sourceYaml: prodYaml('127.0.0.1') });
    await placeDump(dir, 'db.sql', 'CREATE TABLE t (a int);\n', { manifest: false });
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    await expect(runDrill('to-maria', rt)).rejects.toThrow(/is the server of production resource db .*: refused before writing anything/);
    expect(await sandboxLeftovers('maria', estatePrefix(dir))).toEqual([]);
    expect(await rt.leases.list()).toEqual([]);
    expect(await rt.runs.list()).toEqual([]);
    await rt.close();
    const ledger = (await readFile(`${dir}/ledger/ledger.jsonl`, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(ledger.map((r) => r.type)).toEqual(['drill.refused']);
    const dry = await dryRunDrill('to-maria', (await drillRuntime(`${dir}/lifeboat.yaml`)).rt);
    expect(dry).toMatchObject({ ready: false, refused: expect.stringMatching(/refused before writing anything/) });
  });

  it('refuses by identity when both servers answer: the production reader and the sandbox admin see the same server', async () => {
    const reader = createDatabaseReader({ engine: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', database: src.name, safe: 'x' });
    const sandbox = createMysqlSandbox({ ...MARIADB, password: '' });
    const [a, b] = await Promise.all([reader.identity(), sandbox.identity!()]);
    expect(a.keys).toEqual(b.keys);
    const pgReader = createDatabaseReader({ engine: 'postgres', host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', safe: 'x' });
    const pgSandbox = createPostgresSandbox({ ...POSTGRES, password: '' });
    const [c, d] = await Promise.all([pgReader.identity(), pgSandbox.identity!()]);
    expect(c.keys[0]).toMatch(/^postgres-system:\d+\|5432$/);
    expect(d.keys).toContain(c.keys[0]);
  });

  it('refuses a sandbox under another name and port that the server itself says is production (identity, not address)', async () => {
    const dir = await tmp();
    await drillEstate(dir, { sourceYaml: prodYaml('db.prod.internal') });
    const { config } = await drillRuntime(`${dir}/lifeboat.yaml`);
    const real = createMysqlSandbox({ ...MARIADB, password: '' });
    // What DNS says about each name is the test's to decide: here the two names share no address.
    const disguised: SandboxProvider = { ...real, server: { host: 'sandbox.dr.internal', port: 3306 } };
    const resolveHost = async (h: string) => (h === 'db.prod.internal' ? ['10.1.2.3'] : ['10.9.8.7']);
    const prodIdentity = () => createDatabaseReader({ engine: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', database: src.name, safe: 'x' }).identity();
    await expect(guardSandbox(config, 'maria', disguised, { resolveHost, sourceIdentity: prodIdentity })).rejects.toThrow(/both say they are .*MariaDB.*: refused before writing anything/);
    // The same names, with production a different server: allowed, and the reason says what was compared.
    const other = async () => ({ keys: ['mysql-server:elsewhere|3306|/data/'], describe: 'another server' });
    await expect(guardSandbox(config, 'maria', disguised, { resolveHost, sourceIdentity: other })).resolves.toMatch(/no production resource's server; db: a different server \(another server\)/);
  });

  it('takes a Unix socket folder for this machine, and refuses a sandbox whose name does not resolve', async () => {
    const dir = await tmp();
    await drillEstate(dir, { sourceYaml: `    source: { engine: postgres, host: 127.0.0.1, port: 5432, database: postgres }\n` });
    const { config } = await drillRuntime(`${dir}/lifeboat.yaml`);
    const socket = createPostgresSandbox({ host: '/var/run/postgresql', port: 5432, user: 'postgres', password: '' });
    await expect(guardSandbox(config, 'pg', socket, { resolveHost: async () => [] })).rejects.toThrow(/sandbox pg \(\/var\/run\/postgresql:5432\) is the server of production resource db .*both on this machine/);
    const nowhere = { ...socket, server: { host: 'no-such-host.invalid', port: 5432 } };
    await expect(guardSandbox(config, 'pg', nowhere, { resolveHost: async () => [] })).rejects.toThrow(/its host name does not resolve, so it cannot be told apart from production/);
  });

  it('spells every local alias the same', () => {
    expect(['::ffff:127.0.0.1', '::ffff:7f00:1', '[::FFFF:127.0.0.1]', '127.0.0.1'].map(canonicalAddress)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1']);
    expect(canonicalAddress('0:0:0:0:0:0:0:1')).toBe('::1');
  });

  it('drill run --dry-run and drill run refuse with the same exit code (2)', async () => {
    const dir = await tmp();
    await drillEstate(dir, { sandboxHost: '"0.0.0.0"', sourceYaml: prodYaml('127.0.0.1') });
    await placeDump(dir, 'db.sql', 'CREATE TABLE t (a int);\n', { manifest: false });
    const env = { LB_TEST_EMPTY: '' };
    const dry = await runCli(['-c', `${dir}/lifeboat.yaml`, 'drill', 'run', 'to-maria', '--dry-run'], { env });
    const real = await runCli(['-c', `${dir}/lifeboat.yaml`, 'drill', 'run', 'to-maria'], { env });
    expect(dry.stdout).toMatch(/guard: sandbox maria \(0\.0\.0\.0:3306\) is the server of production resource db/);
    expect(real.stderr).toMatch(/sandbox maria \(0\.0\.0\.0:3306\) is the server of production resource db/);
    expect([dry.code, real.code]).toEqual([2, 2]);
  });
});

describe('sandbox admin rights', () => {
  it('MySQL: the dry run names each right the admin lacks', async () => {
    const user = uniqueDbName('lb_adm');
    const root = await mysql.createConnection(MARIADB);
    try {
      await root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'`);
      await root.query(`GRANT CREATE USER, SELECT, INSERT ON *.* TO '${user}'@'%' WITH GRANT OPTION`);
      const weak = createMysqlSandbox({ host: '127.0.0.1', port: 3306, user, password: 'pw' });
      const [problem] = await weak.probe();
      expect(problem).toMatch(new RegExp(`user ${user} on 127.0.0.1:3306 lacks UPDATE, DELETE, CREATE, DROP, .*TRIGGER: needed to create each run's database and user`));
      expect(problem).not.toMatch(/CREATE USER|SELECT|INSERT/);
      await root.query(`REVOKE CREATE USER ON *.* FROM '${user}'@'%'`);
      await root.query(`GRANT ALL PRIVILEGES ON \`lbdrill\\_%\`.* TO '${user}'@'%' WITH GRANT OPTION`);
      expect(await weak.probe()).toEqual([`user ${user} on 127.0.0.1:3306 lacks CREATE USER: needed to create each run's database and user`]);
      expect(await createMysqlSandbox({ ...MARIADB, password: '' }).probe()).toEqual([]);
    } finally {
      await root.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await root.end();
    }
  });

  it('PostgreSQL: the dry run names CREATEDB or CREATEROLE', async () => {
    const role = uniqueDbName('lb_adm');
    const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN CREATEDB`);
      expect(await createPostgresSandbox({ host: '127.0.0.1', port: 5432, user: role, password: '' }).probe()).toEqual([`role ${role} on 127.0.0.1:5432 lacks CREATEROLE: needed to create each run's database and role`]);
    } finally {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });

  it("the per-run user holds its own database's rights and nothing global", async () => {
    const sandbox = createMysqlSandbox({ ...MARIADB, password: '' });
    // Names of this run only: a fixed name would collide with the same test running elsewhere on the server.
    const t = randomBytes(3).toString('hex');
    const lease = { id: t, runId: t, drill: 'd', sandbox: 's', kind: 'mysql' as const, database: `lbdrill_grants_${t}`, user: `lbrun_grants${t}`, createdAt: '', owner: { host: 'h', pid: 1 } };
    await sandbox.create(lease);
    const root = await mysql.createConnection(MARIADB);
    try {
      const [rows] = await root.query<mysql.RowDataPacket[]>(`SHOW GRANTS FOR '${lease.user}'@'%'`);
      const grants = rows.map((r) => String(Object.values(r)[0]));
      expect(grants[0]).toMatch(/^GRANT USAGE ON \*\.\* TO/);
      // Escaped: _ is a wildcard in a database-level grant, so unescaped it would also cover look-alike names.
      expect(grants.slice(1).map((g) => / ON (\S+) TO /.exec(g)?.[1])).toEqual([`\`lbdrill\\_grants\\_${t}\`.*`]);
      expect(grants.join('\n')).not.toMatch(/FILE|SUPER|PROCESS|CREATE USER|GRANT OPTION/);
    } finally {
      await root.end();
      await sandbox.destroy(lease);
    }
    const pgSandbox = createPostgresSandbox({ ...POSTGRES, password: '' });
    const pgLease = { ...lease, kind: 'postgres' as const };
    await pgSandbox.create(pgLease);
    const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls, pg_has_role($1, 'pg_read_server_files', 'MEMBER') AS read_files, pg_has_role($1, 'pg_execute_server_program', 'MEMBER') AS programs, pg_has_role($1, 'pg_write_server_files', 'MEMBER') AS write_files FROM pg_roles WHERE rolname = $1",
        [pgLease.user],
      );
      expect(rows[0]).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false, read_files: false, programs: false, write_files: false });
    } finally {
      await admin.end();
      await pgSandbox.destroy(pgLease);
    }
  });
});
