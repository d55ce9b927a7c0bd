import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestFromFile, mergeSnapshot } from '../../src/checks/index.js';
import { createDatabaseReader, parseDsn } from '../../src/providers/index.js';
import { tempMariaDb, tempPostgresDb } from '../helpers/databases.js';
import { fillMaria, fillPostgres, ROWS } from '../helpers/fixtures.js';
import { useTmpDirs } from '../helpers/tmp.js';

const run = promisify(execFile);
const tmp = useTmpDirs();
const meta = { version: 'test', now: new Date() };

describe('manifests from real mysqldump and pg_dump output', () => {
  let maria: Awaited<ReturnType<typeof tempMariaDb>>;
  let pgdb: Awaited<ReturnType<typeof tempPostgresDb>>;

  beforeAll(async () => {
    maria = await tempMariaDb();
    await fillMaria(maria.conn);
    pgdb = await tempPostgresDb();
    await fillPostgres(pgdb.client);
  });

  afterAll(async () => {
    await maria?.drop();
    await pgdb?.drop();
  });

  const rowsOf = (m: { tables?: { name: string; rows: number }[] }) => Object.fromEntries((m.tables ?? []).map((t) => [t.name, t.rows]));

  it.each([[[]], [['--databases']]])('reads tables, rows and objects from mysqldump %j', async (extra) => {
    const dir = await tmp();
    const file = path.join(dir, 'dump.sql');
    const { stdout } = await run('mysqldump', ['-h127.0.0.1', '-uroot', '--routines', '--triggers', ...extra, maria.name], { maxBuffer: 1 << 26 });
    await writeFile(file, stdout);
    const m = await manifestFromFile(file, meta);
    expect(m.engine).toBe('mysql');
    expect(rowsOf(m)).toEqual({ items: ROWS.length, audit_log: ROWS.length });
    expect(m.objects).toEqual({ views: ['recent_items'], routines: ['count_items'], triggers: ['items_audit'] });
    if (extra.length) expect(m.database).toBe(maria.name);
  });

  it.each([
    ['plain', []],
    ['custom', ['-Fc']],
  ])('reads tables and rows from pg_dump %s', async (_name, extra) => {
    const dir = await tmp();
    const file = path.join(dir, extra.length ? 'dump.dump' : 'dump.sql');
    await run('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', ...extra, '-f', file, pgdb.name]);
    const m = await manifestFromFile(file, meta);
    expect(m.format).toBe(extra.length ? 'pg_dump-custom' : 'pg_dump');
    expect(rowsOf(m)).toEqual({ items: ROWS.length, audit_log: ROWS.length });
    expect(m.objects?.views).toEqual(['public.recent_items']);
  });

  it('gives the same checksum for the same data on MariaDB and PostgreSQL', async () => {
    const my = await createDatabaseReader(parseDsn(`mysql://root@127.0.0.1:3306/${maria.name}`)).snapshot();
    const pq = await createDatabaseReader(parseDsn(`postgres://postgres@127.0.0.1:5432/${pgdb.name}`)).snapshot();
    const sum = (s: typeof my, t: string) => s.tables.find((x) => x.name === t)!;
    expect(sum(my, 'items').rows).toBe(ROWS.length);
    expect(sum(my, 'items').checksum).toBe(sum(pq, 'items').checksum);
    expect(sum(my, 'audit_log').checksum).toBe(sum(pq, 'audit_log').checksum);
    expect(my.objects.triggers).toEqual(['items_audit']);
  });

  it('changes the checksum when one value changes, and not when rows are reordered', async () => {
    const reader = createDatabaseReader(parseDsn(`postgres://postgres@127.0.0.1:5432/${pgdb.name}`));
    const before = (await reader.snapshot()).tables.find((t) => t.name === 'items')!.checksum;
    await pgdb.client.query("UPDATE items SET label = 'plain!' WHERE id = 1");
    const changed = (await reader.snapshot()).tables.find((t) => t.name === 'items')!.checksum;
    await pgdb.client.query("UPDATE items SET label = 'plain' WHERE id = 1");
    await pgdb.client.query('CLUSTER items USING items_pkey');
    const again = (await reader.snapshot()).tables.find((t) => t.name === 'items')!.checksum;
    expect(changed).not.toBe(before);
    expect(again).toBe(before);
  });

  it('adds database checksums to a dump manifest only where the database still matches the dump', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'dump.sql');
    await run('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', '-f', file, pgdb.name]);
    await pgdb.client.query("INSERT INTO audit_log VALUES ('after the dump')");
    const snap = await createDatabaseReader(parseDsn(`postgres://postgres@127.0.0.1:5432/${pgdb.name}`)).snapshot();
    const { manifest, notes } = mergeSnapshot(await manifestFromFile(file, meta), snap);
    expect(manifest.tables!.find((t) => t.name === 'items')!.checksum).toMatch(/^\d+$/);
    expect(manifest.tables!.find((t) => t.name === 'audit_log')!.checksum).toBeUndefined();
    expect(notes).toEqual([{ table: 'audit_log', message: `database has ${ROWS.length + 1} rows, the dump ${ROWS.length}: it changed since the dump, no checksum` }]);
    await pgdb.client.query("DELETE FROM audit_log WHERE msg = 'after the dump'");
  });
});
