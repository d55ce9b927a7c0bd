import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestFromFile, mergeSnapshot } from '../../src/checks/index.js';
import { createDatabaseReader, parseDsn } from '../../src/providers/index.js';
import { tempMariaDb, tempPostgresDb } from '../helpers/databases.js';
import { useTmpDirs } from '../helpers/tmp.js';

const run = promisify(execFile);
const tmp = useTmpDirs();
const meta = { version: 'test', now: new Date() };

// Awkward on purpose: NULLs, binary, 4-byte UTF-8, quotes and separators inside values, a table with no key.
const ROWS: [number, string | null, string | null, string][] = [
  [1, 'plain', null, '2026-01-02 03:04:05'],
  [2, "it's, \"quoted\"; (with) parens", 'deadbeef00ff', '2026-02-03 04:05:06'],
  [3, 'emoji 🛟 and 中文', '', '1999-12-31 23:59:59'],
  [4, null, '00', '2026-11-22 00:00:00'],
  [5, 'line\nbreak\ttab\\backslash', 'ffffffff', '2026-11-22 12:34:56'],
];

describe('manifests from real mysqldump and pg_dump output', () => {
  let maria: Awaited<ReturnType<typeof tempMariaDb>>;
  let pgdb: Awaited<ReturnType<typeof tempPostgresDb>>;

  beforeAll(async () => {
    maria = await tempMariaDb();
    await maria.conn.query(`
      CREATE TABLE items (id INT PRIMARY KEY, label TEXT NULL, payload BLOB NULL, created DATETIME NOT NULL);
      CREATE TABLE audit_log (msg VARCHAR(200));
      CREATE VIEW recent_items AS SELECT id, label FROM items WHERE created > '2026-01-01';
      CREATE TRIGGER items_audit AFTER INSERT ON items FOR EACH ROW INSERT INTO audit_log VALUES (CONCAT('added ', NEW.id));
      CREATE PROCEDURE count_items(OUT n INT) SELECT COUNT(*) INTO n FROM items;
    `);
    for (const [id, label, hex, created] of ROWS) {
      await maria.conn.query('INSERT INTO items VALUES (?, ?, ?, ?)', [id, label, hex === null ? null : Buffer.from(hex, 'hex'), created]);
    }
    pgdb = await tempPostgresDb();
    await pgdb.client.query(`
      CREATE TABLE items (id integer PRIMARY KEY, label text, payload bytea, created timestamp without time zone NOT NULL);
      CREATE TABLE audit_log (msg varchar(200));
      CREATE VIEW recent_items AS SELECT id, label FROM items WHERE created > '2026-01-01';
    `);
    for (const [id, label, hex, created] of ROWS) {
      await pgdb.client.query('INSERT INTO items VALUES ($1, $2, $3, $4)', [id, label, hex === null ? null : Buffer.from(hex, 'hex'), created]);
    }
    for (let i = 1; i <= 5; i++) await pgdb.client.query('INSERT INTO audit_log VALUES ($1)', [`added ${i}`]);
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
    expect(rowsOf(m)).toEqual({ items: 5, audit_log: 5 });
    expect(m.objects).toEqual({ views: ['recent_items'], routines: ['count_items'], triggers: ['items_audit'] });
    if (extra.length) expect(m.database).toBe(maria.name);
  });

  it.each([['plain', []], ['custom', ['-Fc']]])('reads tables and rows from pg_dump %s', async (_name, extra) => {
    const dir = await tmp();
    const file = path.join(dir, extra.length ? 'dump.dump' : 'dump.sql');
    await run('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', ...extra, '-f', file, pgdb.name]);
    const m = await manifestFromFile(file, meta);
    expect(m.format).toBe(extra.length ? 'pg_dump-custom' : 'pg_dump');
    expect(rowsOf(m)).toEqual({ items: 5, audit_log: 5 });
    expect(m.objects?.views).toEqual(['public.recent_items']);
  });

  it('gives the same checksum for the same data on MariaDB and PostgreSQL', async () => {
    const my = await createDatabaseReader(parseDsn(`mysql://root@127.0.0.1:3306/${maria.name}`)).snapshot();
    const pq = await createDatabaseReader(parseDsn(`postgres://postgres@127.0.0.1:5432/${pgdb.name}`)).snapshot();
    const sum = (s: typeof my, t: string) => s.tables.find((x) => x.name === t)!;
    expect(sum(my, 'items').rows).toBe(5);
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
    expect(notes).toEqual([{ table: 'audit_log', message: 'database has 6 rows, the dump 5: it changed since the dump, no checksum' }]);
    await pgdb.client.query("DELETE FROM audit_log WHERE msg = 'after the dump'");
  });
});
