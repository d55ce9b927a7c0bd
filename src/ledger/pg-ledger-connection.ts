import { createHash } from 'node:crypto';
import pg from 'pg';
import { LifeboatError } from '../domain/index.js';

// The state store has the same helpers (src/state/postgres), but state imports copy, which
// imports the ledger: the ledger importing state would close a cycle, so it keeps its own.

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema as a quoted SQL identifier, checked again here (the config checks it too) since it is spliced into SQL. */
export function quotedSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new LifeboatError('CONFIG_INVALID', `ledger schema ${JSON.stringify(schema.slice(0, 70))}: expected lower-case letters, digits and _ (at most 63, not starting with a digit)`);
  return `"${schema}"`;
}

/** `host:port/database schema <schema>` for messages: the URL holds a password, so only those parts are kept. */
export function describeLedgerWhere(url: string, schema: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new LifeboatError('CONFIG_INVALID', 'ledger.url is not a valid postgres:// URL');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new LifeboatError('CONFIG_INVALID', `ledger.url: expected postgres://, got ${u.protocol}//`);
  const user = decodeURIComponent(u.username);
  // pg's defaults: localhost, 5432, and a database named after the user.
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || user || 'postgres';
  return `${u.hostname || 'localhost'}:${u.port || '5432'}/${database} schema ${schema}`;
}

/** A bigint advisory-lock key for a name (as a string, pg's bigint): every process derives the same one. */
export function ledgerLockKey(name: string): string {
  return createHash('sha256').update(`lifeboat:${name}`).digest().readBigInt64BE(0).toString();
}

/** Runs `fn` in one transaction on one pooled connection; a failure rolls back and rethrows. */
export async function inTransaction<T>(pool: pg.Pool, begin: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
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

/**
 * A driver error as a LifeboatError naming host:port/database only, with the URL's password
 * masked in case a driver ever repeats it. Lifeboat's own errors pass through untouched.
 */
export function wrapPgError(err: unknown, where: string, url: string): Error {
  if (err instanceof LifeboatError) return err;
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // describeLedgerWhere has already refused a URL that does not parse.
  }
  const raw = (err as Error).message;
  const message = password ? raw.split(password).join('***') : raw;
  // A server answer (with a SQLSTATE) is a ledger I/O failure; no answer at all is an unreachable server.
  const code = err instanceof pg.DatabaseError ? 'LEDGER_IO' : 'DATABASE_UNREACHABLE';
  return new LifeboatError(code, `ledger ${where}: ${message}`, { cause: err });
}
