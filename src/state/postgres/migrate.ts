import type pg from 'pg';
import { LifeboatError } from '../../domain/index.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { quoteSchema, underLock } from '../../pgutil/index.js';

/**
 * Brings the schema up to date in one transaction: two processes opening at once queue on
 * the schema's advisory lock, so each step is applied once and the second finds nothing to do.
 * Returns the versions it applied. A database already past this code is refused, not touched.
 */
export async function migrateStateSchema(pool: pg.Pool, schema: string, where: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const s = quoteSchema(schema, 'state store');
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  return underLock(pool, `migrate:${schema}`, async (client) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const have = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...have);
    if (newest > latest) throw new LifeboatError('CONFIG_INVALID', `state store ${where} is at schema version ${newest}, newer than this lifeboat (${latest}): upgrade lifeboat`);
    await client.query(`SET LOCAL search_path TO ${s}`);
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (have.has(m.version)) continue;
      try {
        await client.query(m.sql);
      } catch (err) {
        throw new LifeboatError('CONFIG_INVALID', `state store ${where}: migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
      }
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
