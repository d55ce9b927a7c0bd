import pg from 'pg';
import type { CopyRecord } from '../../copy/index.js';
import { LifeboatError } from '../../domain/index.js';
import type { ResourceState } from '../../freshness/index.js';
import type { StateStore } from '../types.js';
import { copyRegistryOver, freshnessOver } from '../documents.js';
import { migrateStateSchema } from './migrate.js';
import { createPgLeases } from './pg-leases.js';
import { keyedDocument } from './pg-documents.js';
import { createPgRuns } from './pg-runs.js';
import { createPgSlots } from './pg-slots.js';
import { createPgVerdicts } from './pg-verdicts.js';
import { checkedSchema, describeWhere, quoteSchema, redact } from '../../pgutil/index.js';

export interface PostgresStateOptions {
  /** postgres://user:password@host:port/database; the password never appears in a message. */
  url: string;
  /** Default `lifeboat`. */
  schema?: string;
  /** Pool size (pg's default is 10). */
  max?: number;
}

/**
 * The state store in PostgreSQL: one system of record that many lifeboat processes on many
 * machines share. Opening connects and brings the schema up to date; a server that cannot
 * be reached is a DATABASE_UNREACHABLE error naming host:port/database only.
 */
export async function openPostgresStateStore(opts: PostgresStateOptions): Promise<StateStore> {
  const schema = checkedSchema(opts.schema ?? 'lifeboat', 'state store');
  const where = describeWhere(opts.url, schema, 'state store URL');
  const s = quoteSchema(schema, 'state store');
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.max, connectionTimeoutMillis: 10_000, application_name: 'lifeboat state' });
  // An idle connection the server drops emits here; without a listener it would crash the process. The next query reconnects.
  pool.on('error', () => undefined);
  try {
    (await pool.connect()).release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new LifeboatError('DATABASE_UNREACHABLE', `state store ${where}: ${redact((err as Error).message, opts.url)}`, { cause: err });
  }
  try {
    await migrateStateSchema(pool, schema, where);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err instanceof LifeboatError ? err : new LifeboatError('DATABASE_UNREACHABLE', `state store ${where}: ${redact((err as Error).message, opts.url)}`, { cause: err });
  }

  const copies = keyedDocument<CopyRecord>(pool, { table: `${s}.copies`, key: 'id', value: 'record', lock: `copies:${schema}` });
  const freshness = keyedDocument<ResourceState>(pool, { table: `${s}.freshness`, key: 'subject', value: 'state', lock: `freshness:${schema}` });
  return {
    kind: 'postgres',
    where,
    runs: createPgRuns(pool, s),
    leases: createPgLeases(pool, s),
    copies: copyRegistryOver(copies),
    verdicts: createPgVerdicts(pool, s, schema),
    freshness: freshnessOver(freshness),
    slots: createPgSlots(pool, s),
    alerts: keyedDocument<unknown>(pool, { table: `${s}.alert_book`, key: 'key', value: 'value', lock: `alerts:${schema}` }),
    close: () => pool.end(),
  };
}
