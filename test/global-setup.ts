import mysql from 'mysql2/promise';
import pg from 'pg';

/**
 * Starts the suite on clean servers: sandbox databases, users and roles that an earlier
 * run left (a process killed mid-test) would make every "nothing left behind" check fail.
 * Only the names lifeboat creates (lbdrill_…, lbrun_…) are touched.
 */
export default async function setup(): Promise<void> {
  const maria = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' }).catch(() => undefined);
  if (maria) {
    const [dbs] = await maria.query<mysql.RowDataPacket[]>("SELECT schema_name AS n FROM information_schema.schemata WHERE schema_name LIKE 'lbdrill\\_%'");
    for (const r of dbs) await maria.query(`DROP DATABASE IF EXISTS \`${String(r.n)}\``);
    const [users] = await maria.query<mysql.RowDataPacket[]>("SELECT user AS u, host AS h FROM mysql.user WHERE user LIKE 'lbrun\\_%'");
    for (const r of users) await maria.query('DROP USER IF EXISTS ?@?', [String(r.u), String(r.h)]);
    await maria.end();
  }
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  admin.on('error', () => undefined);
  if (await admin.connect().then(() => true, () => false)) {
    const { rows: dbs } = await admin.query<{ n: string }>("SELECT datname AS n FROM pg_database WHERE datname LIKE 'lbdrill\\_%'");
    for (const r of dbs) await admin.query(`DROP DATABASE IF EXISTS "${r.n}" WITH (FORCE)`);
    const { rows: roles } = await admin.query<{ n: string }>("SELECT rolname AS n FROM pg_roles WHERE rolname LIKE 'lbrun\\_%'");
    for (const r of roles) await admin.query(`DROP ROLE IF EXISTS "${r.n}"`);
    await admin.end();
  }
}
