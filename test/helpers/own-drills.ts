import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MARIADB, POSTGRES } from './databases.js';

/**
 * A drill with a name no other test uses, written into an estate made by drillEstate: its
 * sandbox database is lbdrill_<name>_…, so leftovers are told apart from other runs on the shared servers.
 */
export async function ownDrill(dir: string, prefix: string, body: string): Promise<string> {
  const name = `${prefix}${randomBytes(3).toString('hex')}`;
  await writeFile(path.join(dir, 'drills', `${name}.yaml`), body);
  return name;
}

/**
 * Sandbox databases on a test server left by this drill, whatever the estate's namePrefix
 * (lbdrill_<drill>_… or lbdrill_<prefix>_<drill>_…); users are per run, named from the run id.
 */
export async function leftoversOf(server: 'maria' | 'pg', drill: string): Promise<string[]> {
  const slug = drill
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 20);
  const like = `lbdrill\\_%${slug.replace(/_/g, '\\_')}\\_%`;
  const mine = (n: string) => new RegExp(`^lbdrill_([a-z0-9]{1,8}_)?${slug}_[a-z0-9]+$`).test(n);
  if (server === 'maria') {
    const c = await mysql.createConnection(MARIADB);
    const [rows] = await c.query<mysql.RowDataPacket[]>('SELECT schema_name AS n FROM information_schema.schemata WHERE schema_name LIKE ?', [like]);
    await c.end();
    return rows.map((r) => String(r.n)).filter(mine);
  }
  const c = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await c.connect();
  const { rows } = await c.query<{ n: string }>('SELECT datname AS n FROM pg_database WHERE datname LIKE $1', [like]);
  await c.end();
  return rows.map((r) => r.n).filter(mine);
}
