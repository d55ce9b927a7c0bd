import { openPGlite } from './load-pglite.js';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { LifeboatError } from '../../domain/index.js';

export const DEFAULT_CANARY_TABLE = 'lifeboat_canary';

export type CanaryTarget = { engine: 'mysql' | 'postgres'; host: string; port: number; database: string; user: string; password: string; table: string } | { engine: 'pglite'; dataDir: string; table: string };

const ident = (t: string) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) throw new LifeboatError('CONFIG_INVALID', `canary table ${t}: expected a plain identifier`);
  return t;
};

/**
 * Writes one heartbeat row into production's canary table. The credential it is given
 * should be able to do nothing else (see `lifeboat canary setup`); this code only INSERTs.
 */
export async function writeCanary(target: CanaryTarget, at: Date, source: string): Promise<void> {
  const table = ident(target.table);
  if (target.engine === 'pglite') {
    const db = await openPGlite(target.dataDir);
    try {
      await db.query(`INSERT INTO ${table} (beat_at, source) VALUES ($1, $2)`, [at.toISOString(), source]);
    } finally {
      await db.close();
    }
    return;
  }
  const where = `${target.engine}://${target.user}@${target.host}:${target.port}/${target.database}`;
  try {
    if (target.engine === 'mysql') {
      const c = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.database });
      try {
        await c.query(`INSERT INTO \`${table}\` (beat_at, source) VALUES (?, ?)`, [at.toISOString().replace('T', ' ').replace('Z', ''), source]);
      } finally {
        await c.end();
      }
    } else {
      const c = new pg.Client({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.database });
      c.on('error', () => undefined);
      await c.connect();
      try {
        await c.query(`INSERT INTO "${table}" (beat_at, source) VALUES ($1, $2)`, [at.toISOString(), source]);
      } finally {
        await c.end();
      }
    }
  } catch (err) {
    throw new LifeboatError('DATABASE_UNREACHABLE', `canary insert into ${where} ${table}: ${(err as Error).message}`, { cause: err });
  }
}

/** The one-time setup a DBA runs on production: the table and an insert-only user for it. */
export function canarySetupSql(engine: 'mysql' | 'postgres' | 'pglite', database: string, table = DEFAULT_CANARY_TABLE, user = 'lifeboat_canary'): string {
  ident(table);
  if (engine === 'mysql') {
    return [
      `CREATE TABLE \`${database}\`.\`${table}\` (id BIGINT AUTO_INCREMENT PRIMARY KEY, beat_at DATETIME(6) NOT NULL, source VARCHAR(100) NOT NULL);`,
      `CREATE USER '${user}'@'%' IDENTIFIED BY 'choose-a-password';`,
      `GRANT INSERT ON \`${database}\`.\`${table}\` TO '${user}'@'%';`,
    ].join('\n');
  }
  const create = `CREATE TABLE ${table} (id bigserial PRIMARY KEY, beat_at timestamptz NOT NULL, source text NOT NULL);`;
  if (engine === 'pglite') return create;
  return [create, `CREATE ROLE ${user} LOGIN PASSWORD 'choose-a-password';`, `GRANT INSERT ON ${table} TO ${user};`, `GRANT USAGE ON SEQUENCE ${table}_id_seq TO ${user};`].join('\n');
}
