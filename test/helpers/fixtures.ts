import type mysql from 'mysql2/promise';
import type pg from 'pg';

/** Awkward on purpose: NULLs, binary, 4-byte UTF-8, quotes and separators inside values, a long row, a table with no key. */
export const ROWS: [number, string | null, string | null, string][] = [
  [1, 'plain', null, '2026-01-02 03:04:05'],
  [2, 'it\'s, "quoted"; (with) parens -- not a comment', 'deadbeef00ff', '2026-02-03 04:05:06'],
  [3, 'emoji 🛟 and 中文', '', '1999-12-31 23:59:59'],
  [4, null, '00', '2026-11-22 00:00:00'],
  [5, 'line\nbreak\ttab\\backslash', 'ffffffff', '2026-11-22 12:34:56'],
  [6, 'long '.repeat(40_000), 'ab'.repeat(50_000), '2026-06-01 00:00:00'],
  [7, 'USE other_db;', null, '2026-06-02 00:00:00'],
];

export async function fillMaria(conn: mysql.Connection): Promise<void> {
  await conn.query(`
    CREATE TABLE items (id INT PRIMARY KEY, label LONGTEXT NULL, payload LONGBLOB NULL, created DATETIME NOT NULL);
    CREATE TABLE audit_log (msg VARCHAR(200));
    CREATE VIEW recent_items AS SELECT id, label FROM items WHERE created > '2026-01-01';
    CREATE TRIGGER items_audit AFTER INSERT ON items FOR EACH ROW INSERT INTO audit_log VALUES (CONCAT('added ', NEW.id));
    CREATE PROCEDURE count_items(OUT n INT) SELECT COUNT(*) INTO n FROM items;
  `);
  for (const [id, label, hex, created] of ROWS) {
    await conn.query('INSERT INTO items VALUES (?, ?, ?, ?)', [id, label, hex === null ? null : Buffer.from(hex, 'hex'), created]);
  }
}

export async function fillPostgres(client: pg.Client): Promise<void> {
  await client.query(`
    CREATE TABLE items (id integer PRIMARY KEY, label text, payload bytea, created timestamp without time zone NOT NULL);
    CREATE TABLE audit_log (msg varchar(200));
    CREATE VIEW recent_items AS SELECT id, label FROM items WHERE created > '2026-01-01';
    CREATE FUNCTION log_item() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log VALUES ('added ' || NEW.id); RETURN NEW; END; $$;
    CREATE TRIGGER items_audit AFTER INSERT ON items FOR EACH ROW EXECUTE FUNCTION log_item();
  `);
  for (const [id, label, hex, created] of ROWS) {
    await client.query('INSERT INTO items VALUES ($1, $2, $3, $4)', [id, label, hex === null ? null : Buffer.from(hex, 'hex'), created]);
  }
}
