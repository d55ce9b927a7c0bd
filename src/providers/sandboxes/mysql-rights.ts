import type mysql from 'mysql2/promise';

/**
 * What the per-run user gets on its own database: enough to restore a mysqldump (tables,
 * views, routines, triggers, events), and nothing global, so LOAD_FILE, INTO OUTFILE,
 * other databases and other users stay out of its reach.
 */
export const RUN_USER_PRIVILEGES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'EVENT',
  'TRIGGER',
] as const;

/**
 * The rights the sandbox admin lacks, by name: CREATE USER (global), and each privilege it
 * hands the run user, held with GRANT OPTION globally or on the lbdrill_ databases.
 */
export async function missingMysqlRights(c: mysql.Connection): Promise<string[]> {
  const [[me]] = await c.query<mysql.RowDataPacket[]>('SELECT CURRENT_USER() AS u');
  const at = String(me!.u).lastIndexOf('@');
  const grantee = `'${String(me!.u).slice(0, at)}'@'${String(me!.u).slice(at + 1)}'`;
  const [rows] = await c.query<mysql.RowDataPacket[]>(
    `SELECT privilege_type AS p, is_grantable AS g, 'global' AS s FROM information_schema.user_privileges WHERE grantee = ?
     UNION ALL SELECT privilege_type, is_grantable, 'schema' FROM information_schema.schema_privileges WHERE grantee = ? AND 'lbdrill_probe' LIKE table_schema`,
    [grantee, grantee],
  );
  const held = rows.map((r) => ({ p: String(r.p).toUpperCase(), grantable: String(r.g).toUpperCase() === 'YES', global: r.s === 'global' }));
  const missing: string[] = [];
  if (!held.some((h) => h.p === 'CREATE USER' && h.global)) missing.push('CREATE USER');
  for (const p of RUN_USER_PRIVILEGES) {
    const h = held.filter((x) => x.p === p);
    if (!h.length) missing.push(p);
    else if (!h.some((x) => x.grantable)) missing.push(`${p} WITH GRANT OPTION`);
  }
  return missing;
}
