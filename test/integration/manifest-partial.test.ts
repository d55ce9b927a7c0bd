import { execFile } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempMariaDb, tempPostgresDb } from '../helpers/databases.js';
import { fillMaria, fillPostgres, ROWS } from '../helpers/fixtures.js';
import { useTmpDirs } from '../helpers/tmp.js';

const run = promisify(execFile);
const tmp = useTmpDirs();
const exists = (f: string) =>
  access(f).then(
    () => true,
    () => false,
  );

/** `lifeboat manifest FILE --from-db DSN` on real dumps: whole ones pass, partial and empty ones are refused. */
describe('manifest --from-db refuses a partial or empty dump', () => {
  let maria: Awaited<ReturnType<typeof tempMariaDb>>;
  let pgdb: Awaited<ReturnType<typeof tempPostgresDb>>;
  let mysqlDsn: string;
  let pgDsn: string;

  beforeAll(async () => {
    maria = await tempMariaDb();
    await fillMaria(maria.conn);
    pgdb = await tempPostgresDb();
    await fillPostgres(pgdb.client);
    mysqlDsn = `mysql://root@127.0.0.1:3306/${maria.name}`;
    pgDsn = `postgres://postgres@127.0.0.1:5432/${pgdb.name}`;
  });
  afterAll(async () => {
    await maria?.drop();
    await pgdb?.drop();
  });

  const mysqldump = async (args: string[]) => (await run('mysqldump', ['-h127.0.0.1', '-uroot', '--routines', '--triggers', ...args], { maxBuffer: 1 << 26 })).stdout;
  const place = async (name: string, text: string) => {
    const file = path.join(await tmp(), name);
    await writeFile(file, text);
    return file;
  };

  it('a whole mysqldump gets its manifest, with checksums', async () => {
    const file = await place('whole.sql', await mysqldump([maria.name]));
    const r = await runCli(['manifest', file, '--from-db', mysqlDsn, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ tables: 2, rows: 2 * ROWS.length, checksums: 2, partial: [] });
  });

  it('a mysqldump cut short: exit 1, the reason, nothing written; --allow-partial writes it', async () => {
    const whole = await mysqldump([maria.name]);
    const file = await place('cut.sql', whole.slice(0, whole.lastIndexOf('UNLOCK TABLES;')));
    const r = await runCli(['manifest', file, '--from-db', mysqlDsn]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a whole dump, so no manifest was written/);
    expect(r.stderr).toMatch(/cut short: it has no "-- Dump completed" line/);
    expect(await exists(`${file}.manifest.json`)).toBe(false);
    const json = await runCli(['manifest', file, '--from-db', mysqlDsn, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'DUMP_INCOMPLETE', exit: 1, details: { file, problems: [expect.stringMatching(/cut short/)] } } });
    const allowed = await runCli(['manifest', file, '--from-db', mysqlDsn, '--allow-partial']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/--allow-partial: the dump looks cut short/);
    expect(await exists(`${file}.manifest.json`)).toBe(true);
  });

  it('a whole mysqldump of only some tables: exit 1 naming the tables it lacks', async () => {
    const file = await place('some.sql', await mysqldump([maria.name, 'items']));
    const r = await runCli(['manifest', file, '--from-db', mysqlDsn, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'DUMP_INCOMPLETE', details: { problems: ["the dump lacks 1 of the database's 2 tables: audit_log"] } } });
  });

  it('an empty file, and a dump with no tables, are refused', async () => {
    const empty = await runCli(['manifest', await place('empty.sql', ''), '--from-db', mysqlDsn]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/the dump file is empty \(0 bytes\)/);
    const noTables = await runCli(['manifest', await place('none.sql', await mysqldump(['--no-create-info', '--no-data', '--skip-triggers', maria.name]))]);
    expect(noTables.code).toBe(1);
    expect(noTables.stderr).toMatch(/the dump has no tables/);
  });

  it('pg_dump plain with \\connect (--create) and custom format: whole ones pass, tables keep their own schema', async () => {
    const dir = await tmp();
    const plain = path.join(dir, 'create.sql');
    await run('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', '--create', '-f', plain, pgdb.name]);
    expect(await readFile(plain, 'utf8')).toMatch(/^\\connect /m);
    const r = await runCli(['manifest', plain, '--from-db', pgDsn]);
    expect(r.code).toBe(0);
    const m = JSON.parse(await readFile(`${plain}.manifest.json`, 'utf8')) as { database: string; tables: { schema: string; name: string; checksum?: string }[] };
    expect(m.database).toBe(pgdb.name);
    expect(m.tables.map((t) => `${t.schema}.${t.name}`).sort()).toEqual(['public.audit_log', 'public.items']);
    expect(m.tables.every((t) => t.checksum)).toBe(true);
    const custom = path.join(dir, 'db.dump');
    await run('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', '-Fc', '-f', custom, pgdb.name]);
    expect((await runCli(['manifest', custom, '--from-db', pgDsn])).code).toBe(0);
  });

  it('a pg_dump cut inside its COPY data is refused', async () => {
    const { stdout } = await run('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', pgdb.name], { maxBuffer: 1 << 26 });
    const file = await place('cut.sql', stdout.slice(0, stdout.indexOf('FROM stdin;') + 60));
    const r = await runCli(['manifest', file, '--from-db', pgDsn]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cut short: it ends inside the COPY data of public\.\w+/);
  });
});
