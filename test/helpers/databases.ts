import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';

export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root' };
export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' };

export const uniqueDbName = (prefix = 'lb_test') => `${prefix}_${randomBytes(4).toString('hex')}`;

/** A throwaway MariaDB database: created now, dropped by the returned cleanup. */
export async function tempMariaDb(): Promise<{ name: string; conn: mysql.Connection; drop(): Promise<void> }> {
  const name = uniqueDbName();
  const admin = await mysql.createConnection({ ...MARIADB, multipleStatements: true });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.end();
  const conn = await mysql.createConnection({ ...MARIADB, database: name, multipleStatements: true });
  return {
    name,
    conn,
    async drop() {
      await conn.end();
      const a = await mysql.createConnection(MARIADB);
      await a.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await a.end();
    },
  };
}

/** A throwaway PostgreSQL database: created now, dropped by the returned cleanup. */
export async function tempPostgresDb(): Promise<{ name: string; client: pg.Client; drop(): Promise<void> }> {
  const name = uniqueDbName();
  const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const client = new pg.Client({ ...POSTGRES, database: name });
  await client.connect();
  return {
    name,
    client,
    async drop() {
      await client.end();
      const a = new pg.Client({ ...POSTGRES, database: 'postgres' });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

/**
 * Sandbox databases and users on a test server that carry `prefix` (the namePrefix of the
 * estate whose drills made them): only this test's, never another run's on the same server.
 */
export async function sandboxLeftovers(server: 'maria' | 'pg', prefix: string): Promise<string[]> {
  if (!/^[a-z][a-z0-9]{0,7}$/.test(prefix)) throw new Error(`sandboxLeftovers: ${JSON.stringify(prefix)} is not a namePrefix`);
  const db = `lbdrill\\_${prefix}\\_%`;
  const user = `lbrun\\_${prefix}\\_%`;
  if (server === 'maria') {
    const c = await mysql.createConnection(MARIADB);
    const [dbs] = await c.query<mysql.RowDataPacket[]>('SELECT schema_name AS n FROM information_schema.schemata WHERE schema_name LIKE ?', [db]);
    const [users] = await c.query<mysql.RowDataPacket[]>('SELECT user AS n FROM mysql.user WHERE user LIKE ?', [user]);
    await c.end();
    return [...dbs, ...users].map((r) => String(r.n));
  }
  const c = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await c.connect();
  const { rows } = await c.query<{ n: string }>('SELECT datname AS n FROM pg_database WHERE datname LIKE $1 UNION ALL SELECT rolname FROM pg_roles WHERE rolname LIKE $2', [db, user]);
  await c.end();
  return rows.map((r) => r.n);
}
