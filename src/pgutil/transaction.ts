import { createHash } from 'node:crypto';
import type pg from 'pg';

/** A bigint advisory-lock key for a name (as a string, pg's bigint): every process derives the same one. */
export function lockKey(name: string): string {
  return createHash('sha256').update(`lifeboat:${name}`).digest().readBigInt64BE(0).toString();
}

/** Runs `fn` in one transaction (opened with `begin`) on one pooled connection; a failure rolls back and rethrows. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    // A connection that cannot even roll back is dropped, not handed to the next caller.
    await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.release(broken);
  }
}

/** A transaction that first takes the named advisory lock, so its holders run one at a time across processes. */
export function underLock<T>(pool: pg.Pool, name: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(name)]);
    return fn(client);
  });
}
