import mysql from 'mysql2/promise';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrill } from '../../src/drills/index.js';
import { MARIADB, POSTGRES, sandboxLeftovers, tempMariaDb, tempPostgresDb } from '../helpers/databases.js';
import { drillEstate, drillRuntime, estatePrefix, placeDump, run } from '../helpers/drill-estate.js';
import { fillMaria, fillPostgres } from '../helpers/fixtures.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { STOPPED_IN_RESTORE, stepsOf } from '../helpers/drill-steps.js';

/**
 * The attack catalogue: each attack is put into a real dump, a drill restores it, and
 * nothing may appear on the host (marker files in a folder every process may write to),
 * nothing outside the sandbox database may change (another database, users, roles), and
 * the drill must fail with a reason naming the attack's line. The dump without the attack
 * restores and passes.
 */
const tmp = useTmpDirs();
let marks: string;
const BIG = 'x'.repeat(3 << 20);

interface Attack {
  name: string;
  /** Lines put into the dump just before its first table's data; `at` is the line (0-based, within them) that must be named. */
  lines: (m: string, key: string) => string[];
  at?: number;
  reason: RegExp;
}

const mysqlAttacks: Attack[] = [
  { name: 'mysql \\!', lines: (m) => [`\\! touch ${m}/bang`], reason: /mysql client command \\!/ },
  { name: 'mysql system', lines: (m) => [`system touch ${m}/system`], reason: /mysql client command system/ },
  { name: 'mysql source', lines: () => ['source /etc/hostname'], reason: /mysql client command source/ },
  { name: 'mysql tee', lines: (m) => [`tee ${m}/tee`, 'SELECT 1;'], reason: /mysql client command tee/ },
  { name: '\\! after a statement on its line', lines: (m) => [`SELECT 1; \\! touch ${m}/midline`], reason: /mysql client command \\!/ },
  { name: 'LOAD DATA LOCAL INFILE', lines: () => ['CREATE TABLE leak (x TEXT);', "LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE leak;"], at: 1, reason: /ERROR \d+ \(\w+\) at line \d+: .*(not allowed|LOCAL)/i },
  { name: 'LOAD DATA LOCAL split across lines', lines: () => ['CREATE TABLE leak (x TEXT);', 'LOAD DATA', "  LOCAL INFILE '/etc/passwd'", '  INTO TABLE leak;'], at: 1, reason: /ERROR \d+ \(\w+\) at line \d+/ },
  { name: 'LOAD_FILE', lines: () => ['CREATE TABLE leak (x LONGBLOB NOT NULL);', "INSERT INTO leak VALUES (LOAD_FILE('/etc/hostname'));"], at: 1, reason: /ERROR 1048 \(23000\) at line \d+: Column 'x' cannot be null/ },
  { name: 'INTO OUTFILE', lines: (m) => [`SELECT 'owned' INTO OUTFILE '${m}/outfile';`], reason: /ERROR (1045|1227) \(\w+\) at line \d+: Access denied/ },
  { name: 'CREATE DATABASE', lines: () => ['CREATE DATABASE lb_attack_evil;'], reason: /naming database lb_attack_evil after the dump's first table/ },
  { name: 'USE another database', lines: () => ['USE mysql;', 'CREATE TABLE owned (x INT);'], reason: /naming database mysql/ },
  { name: 'CREATE USER', lines: () => ["CREATE USER 'lb_attack_evil'@'%' IDENTIFIED BY 'x';"], reason: /ERROR 1227 \(42000\) at line \d+: Access denied/ },
  { name: 'a statement hidden after a string with an escaped quote', lines: () => ["SELECT 'it\\'s'; USE mysql; DROP TABLE IF EXISTS db;"], reason: /USE mysql; DROP TABLE IF EXISTS db;: expected one database name and nothing else on the line/ },
  { name: 'a multi-megabyte single line', lines: (m) => [`SELECT '${BIG}'; \\! touch ${m}/big`], reason: /mysql client command \\!/ },
  // _ is a wildcard in a database-level GRANT: unescaped, the run user could create lbdrillZ… beside its sandbox.
  { name: 'a look-alike database built at run time', lines: () => ["SET @s = CONCAT('CREATE DATABASE ', REPLACE(DATABASE(), '_', 'Z')); PREPARE st FROM @s; EXECUTE st;"], reason: /ERROR 1044 \(42000\) at line \d+: Access denied/ },
];

const pgAttacks: Attack[] = [
  { name: 'psql \\!', lines: (m) => [`\\! touch ${m}/bang`], reason: /psql meta-command \\!/ },
  { name: 'psql \\! indented', lines: (m) => [`   \\! touch ${m}/indented`], reason: /psql meta-command \\!/ },
  { name: 'psql \\! mid-line', lines: (m) => [`SELECT 1; \\! touch ${m}/midline`], reason: /psql meta-command \\!/ },
  { name: 'psql \\o', lines: (m) => [`\\o ${m}/o`, 'SELECT 1;'], reason: /psql meta-command \\o/ },
  { name: 'psql \\g', lines: (m) => [`SELECT 1 \\g ${m}/g`], reason: /client command \(\\g .*\) inside a statement/ },
  { name: 'psql \\w', lines: (m) => [`\\w ${m}/w`], reason: /psql meta-command \\w/ },
  { name: 'psql \\copy TO', lines: (m) => [`\\copy public.items TO '${m}/copy'`], reason: /psql meta-command \\copy/ },
  { name: 'psql \\copy FROM PROGRAM', lines: (m) => [`\\copy public.items FROM PROGRAM 'touch ${m}/program'`], reason: /psql meta-command \\copy/ },
  { name: 'psql \\copy FROM a host file', lines: () => ["\\copy public.audit_log FROM '/etc/hostname'"], reason: /psql meta-command \\copy/ },
  { name: 'psql \\set with backticks', lines: (m) => [`\\set x \`touch ${m}/backtick\``], reason: /psql meta-command \\set/ },
  { name: 'psql \\i', lines: () => ['\\i /etc/hostname'], reason: /psql meta-command \\i/ },
  { name: 'psql \\ir', lines: () => ['\\ir ../../etc/hostname'], reason: /psql meta-command \\ir/ },
  { name: '\\unrestrict with a wrong key', lines: (m) => ['\\unrestrict notthekey', `\\! touch ${m}/wrongkey`], reason: /\\unrestrict with a key that does not match/ },
  { name: '\\unrestrict with the right key', lines: (m, key) => [`\\unrestrict ${key}`, `\\! touch ${m}/rightkey`], at: 1, reason: /after \\unrestrict|psql meta-command \\!/ },
  { name: 'COPY FROM PROGRAM', lines: (m) => [`COPY public.audit_log FROM PROGRAM 'touch ${m}/copyprogram';`], reason: /COPY may only read FROM stdin/ },
  {
    name: 'COPY FROM PROGRAM inside a DO block (the server refuses)',
    lines: (m) => [`DO $$ BEGIN EXECUTE 'COPY public.audit_log FROM PROGRAM ''touch ${m}/doprogram'''; END $$;`],
    reason: /ERROR 42501 at line \d+: permission denied to COPY from or to an external program|ERROR 42501 at line \d+: must be superuser/,
  },
  { name: 'pg_read_file (the server refuses)', lines: () => ["CREATE TABLE public.leak AS SELECT pg_read_file('/etc/hostname') AS x;"], reason: /ERROR 42501 at line \d+: permission denied/ },
  { name: 'CREATE ROLE (the server refuses)', lines: () => ['CREATE ROLE lb_attack_evil;'], reason: /ERROR 42501 at line \d+: permission denied to create role/ },
  { name: 'CREATE DATABASE', lines: () => ['CREATE DATABASE lb_attack_evil;'], reason: /naming database lb_attack_evil after the dump's first table/ },
  { name: '\\c to another database', lines: () => ['\\c postgres', 'CREATE TABLE owned (x int);'], reason: /naming database postgres/ },
  { name: 'a statement hidden after a string with an escaped quote', lines: (m) => [`SELECT E'it\\'s'; \\! touch ${m}/escaped`], reason: /psql meta-command \\!/ },
  { name: 'a multi-megabyte single line', lines: (m) => [`SELECT '${BIG}'; \\! touch ${m}/big`], reason: /psql meta-command \\!/ },
];

/**
 * Leaves out of a before/after comparison what other tests on the shared server create and
 * drop meanwhile: sandboxes (lbdrill_…, lbrun_…) and the helpers' throwaway databases and users.
 * A look-alike such as lbdrillZ… still counts.
 */
const NOT_OTHERS = (col: string) => ['lbdrill\\_%', 'lbrun\\_%', 'lb\\_test\\_%', 'lb\\_adm\\_%', 'lbt\\_%'].map((p) => `${col} NOT LIKE '${p}'`).join(' AND ');

function insertAttack(dump: string, before: RegExp, lines: string[]): { text: string; line: number } {
  const all = dump.split('\n');
  const at = all.findIndex((l) => before.test(l));
  expect(at).toBeGreaterThan(0);
  all.splice(at, 0, ...lines);
  return { text: all.join('\n'), line: at + 1 };
}

describe('the restore attack catalogue', () => {
  beforeAll(async () => {
    marks = await mkdtemp(path.join(tmpdir(), 'lifeboat-marks-'));
    // Anyone may write here: had an attack run, as lifeboat or as a database server, its marker would be here.
    await chmod(marks, 0o777);
  });
  afterAll(async () => {
    await rm(marks, { recursive: true, force: true });
  });

  describe('MariaDB', () => {
    let src: Awaited<ReturnType<typeof tempMariaDb>>;
    let victim: Awaited<ReturnType<typeof tempMariaDb>>;
    let dump: string;
    // Everything on the server but sandboxes and the throwaway databases and users other tests make meanwhile (lb_test_…, lb_adm_…, lbt_…).
    const world = async () => {
      const c = await mysql.createConnection(MARIADB);
      const [dbs] = await c.query<mysql.RowDataPacket[]>(`SELECT schema_name AS n FROM information_schema.schemata WHERE ${NOT_OTHERS('schema_name')} ORDER BY 1`);
      const [users] = await c.query<mysql.RowDataPacket[]>(`SELECT CONCAT(user, '@', host) AS n FROM mysql.user WHERE ${NOT_OTHERS('user')} ORDER BY 1`);
      const [rows] = await c.query<mysql.RowDataPacket[]>(`SELECT GROUP_CONCAT(id ORDER BY id) AS n FROM \`${victim.name}\`.precious`);
      const [tables] = await c.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ?', [victim.name]);
      await c.end();
      return JSON.stringify({ dbs: dbs.map((r) => r.n), users: users.map((r) => r.n), rows: rows[0]!.n, tables: tables[0]!.n });
    };

    beforeAll(async () => {
      src = await tempMariaDb();
      victim = await tempMariaDb();
      await victim.conn.query('CREATE TABLE precious (id INT); INSERT INTO precious VALUES (1), (2), (3);');
      await fillMaria(src.conn);
      dump = (await run('mysqldump', ['-h127.0.0.1', '-uroot', '--routines', '--triggers', src.name], { maxBuffer: 1 << 28, encoding: 'buffer' })).stdout.toString('latin1');
    });
    afterAll(async () => {
      await src?.drop();
      await victim?.drop();
    });

    it('restores and passes without the attack', async () => {
      const dir = await tmp();
      await drillEstate(dir);
      await placeDump(dir, 'db.sql', Buffer.from(dump, 'latin1'), { dsn: `mysql://root@127.0.0.1:3306/${src.name}` });
      const r = await runDrill('to-maria', (await drillRuntime(`${dir}/lifeboat.yaml`)).rt);
      expect(r.error).toBeUndefined();
      expect(r.phase).toBe('passed');
    });

    it.each(mysqlAttacks.map((a) => [a.name, a] as const))('%s: refused with its line, nothing on the host, nothing outside the sandbox', async (_n, attack) => {
      const before = await world();
      const { text, line } = insertAttack(dump, /^-- Dumping data for table/, attack.lines(marks, ''));
      const dir = await tmp();
      await drillEstate(dir);
      await placeDump(dir, 'db.sql', Buffer.from(text, 'latin1'), { dsn: `mysql://root@127.0.0.1:3306/${src.name}` });
      const r = await runDrill('to-maria', (await drillRuntime(`${dir}/lifeboat.yaml`)).rt);
      expect(r.phase).toBe('failed');
      expect(r.error).toMatch(attack.reason);
      expect(r.error).toContain(`line ${line + (attack.at ?? 0)}`);
      expect(await readdir(marks)).toEqual([]);
      expect(await world()).toBe(before);
      expect(await sandboxLeftovers('maria', estatePrefix(dir))).toEqual([]);
    });
  });

  describe('PostgreSQL', () => {
    let src: Awaited<ReturnType<typeof tempPostgresDb>>;
    let dump: string;
    let key: string;
    const world = async () => {
      const c = new pg.Client({ ...POSTGRES, database: 'postgres' });
      await c.connect();
      const { rows: dbs } = await c.query<{ n: string }>(`SELECT datname AS n FROM pg_database WHERE ${NOT_OTHERS('datname')} ORDER BY 1`);
      const { rows: roles } = await c.query<{ n: string }>(`SELECT rolname AS n FROM pg_roles WHERE ${NOT_OTHERS('rolname')} ORDER BY 1`);
      const { rows: tables } = await c.query<{ n: string }>("SELECT COUNT(*)::text AS n FROM information_schema.tables WHERE table_schema = 'public'");
      await c.end();
      return JSON.stringify({ dbs: dbs.map((r) => r.n), roles: roles.map((r) => r.n), tables: tables[0]!.n });
    };

    beforeAll(async () => {
      src = await tempPostgresDb();
      await fillPostgres(src.client);
      dump = (await run('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', src.name], { maxBuffer: 1 << 28 })).stdout.toString();
      key = /^\\restrict (\S+)$/m.exec(dump)?.[1] ?? '';
    });
    afterAll(async () => {
      await src?.drop();
    });

    it('restores and passes without the attack', async () => {
      const dir = await tmp();
      await drillEstate(dir);
      await placeDump(dir, 'db.sql', dump, { dsn: `postgres://postgres@127.0.0.1:5432/${src.name}` });
      const r = await runDrill('to-pg', (await drillRuntime(`${dir}/lifeboat.yaml`)).rt);
      expect(r.error).toBeUndefined();
      expect(r.phase).toBe('passed');
    });

    it.each(pgAttacks.map((a) => [a.name, a] as const))('%s: refused with its line, nothing on the host, nothing outside the sandbox', async (_n, attack) => {
      const before = await world();
      const { text, line } = insertAttack(dump, /^COPY /, attack.lines(marks, key));
      const dir = await tmp();
      await drillEstate(dir);
      await placeDump(dir, 'db.sql', text, { dsn: `postgres://postgres@127.0.0.1:5432/${src.name}` });
      const r = await runDrill('to-pg', (await drillRuntime(`${dir}/lifeboat.yaml`)).rt);
      expect(r.phase).toBe('failed');
      expect(r.error).toMatch(attack.reason);
      expect(r.error).toContain(`line ${line + (attack.at ?? 0)}`);
      expect(await readdir(marks)).toEqual([]);
      expect(await world()).toBe(before);
      expect(await sandboxLeftovers('pg', estatePrefix(dir))).toEqual([]);
    });

    it("a dump that ends its role's other sessions changes nothing for lifeboat: the drill still verifies and passes", async () => {
      const { text } = insertAttack(dump, /^COPY /, ['SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = current_user AND pid <> pg_backend_pid();']);
      const dir = await tmp();
      await drillEstate(dir);
      await placeDump(dir, 'db.sql', text, { dsn: `postgres://postgres@127.0.0.1:5432/${src.name}` });
      const r = await runDrill('to-pg', (await drillRuntime(`${dir}/lifeboat.yaml`)).rt);
      expect(r.error).toBeUndefined();
      expect(r.phase).toBe('passed');
      expect(await sandboxLeftovers('pg', estatePrefix(dir))).toEqual([]);
    });

    it('PGlite runs one statement per call: a second statement smuggled past a string-mode switch is refused by the engine', async () => {
      const smuggle = ['SET standard_conforming_strings = off;', "SELECT pg_catalog.set_config('standard_conforming_strings', 'on', false);", "INSERT INTO public.audit_log VALUES ('a\\'); CREATE TABLE public.smuggled AS SELECT 1; --');"];
      const { text, line } = insertAttack(dump, /^COPY /, smuggle);
      const dir = await tmp();
      await drillEstate(dir);
      await placeDump(dir, 'db.sql', text, { dsn: `postgres://postgres@127.0.0.1:5432/${src.name}` });
      const r = await runDrill('to-lite', (await drillRuntime(`${dir}/lifeboat.yaml`)).rt);
      expect(r.phase).toBe('failed');
      expect(r.error).toMatch(new RegExp(`at line ${line + 2}: cannot insert multiple commands into a prepared statement`));
    });

    // PGlite starts its database while provisioning (seconds on a busy machine), inside the drill's time.
    it.each([
      ['to-lite', 'SELECT pg_sleep(1e9);', '12s'],
      ['to-lite', 'DO $$ BEGIN LOOP END LOOP; END $$;', '12s'],
      ['to-pg', 'SELECT pg_sleep(1e9);', '3s'],
    ])('%s: a statement that never ends (%s) is stopped by the drill timeout, and the sandbox goes', async (drill, forever, timeout) => {
      const { text } = insertAttack(dump, /^COPY /, [forever]);
      const dir = await tmp();
      await drillEstate(dir, { drillYaml: `timeout: ${timeout}\n` });
      await placeDump(dir, 'db.sql', text, { dsn: `postgres://postgres@127.0.0.1:5432/${src.name}` });
      const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
      // Timers keep firing while the statement runs: PGlite is on its own thread.
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 100);
      const r = await runDrill(drill, rt).finally(() => clearInterval(ticker));
      expect(r).toMatchObject({ phase: 'failed', error: `drill timed out after ${timeout}` });
      expect(ticks).toBeGreaterThan(15);
      // Stopped in the restore (where the statement runs), then torn down.
      expect(stepsOf(r)).toEqual(STOPPED_IN_RESTORE);
      expect(await rt.leases.list()).toEqual([]);
      expect(await sandboxLeftovers('pg', estatePrefix(dir))).toEqual([]);
    });

    it('a backup swapped after fetch checked it fails the drill: what is restored is hashed as it is read', async () => {
      const dir = await tmp();
      await drillEstate(dir);
      const file = await placeDump(dir, 'db.sql', dump, { dsn: `postgres://postgres@127.0.0.1:5432/${src.name}` });
      expect(dump).toContain('plain');
      const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
      const swap = async (run: { steps: { name: string }[] }) => {
        if (run.steps.at(-1)?.name === 'provision') await writeFile(file, dump.replace('plain', 'plane'));
      };
      const r = await runDrill('to-pg', { ...rt, onRunChange: swap });
      expect(r.phase).toBe('failed');
      expect(r.error).toMatch(/backup db\.sql changed between its check and its restore \(sha256 [0-9a-f]{64}, checked [0-9a-f]{64}\)/);
      expect(r.steps.find((s) => s.name === 'fetch')).toMatchObject({ ok: true });
    });

    it('the embedded PGlite sandbox refuses the same way', async () => {
      const { text, line } = insertAttack(dump, /^COPY /, [`\\! touch ${marks}/pglite`]);
      const dir = await tmp();
      await drillEstate(dir);
      await placeDump(dir, 'db.sql', text, { dsn: `postgres://postgres@127.0.0.1:5432/${src.name}` });
      const r = await runDrill('to-lite', (await drillRuntime(`${dir}/lifeboat.yaml`)).rt);
      expect(r.phase).toBe('failed');
      expect(r.error).toMatch(new RegExp(`line ${line}: psql meta-command`));
      expect(await readdir(marks)).toEqual([]);
    });
  });
});
