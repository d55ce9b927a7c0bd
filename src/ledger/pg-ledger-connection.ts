import pg from 'pg';
import { LifeboatError } from '../domain/index.js';
import { redact } from '../pgutil/index.js';

/**
 * A driver error as a LifeboatError naming host:port/database only, with the URL's password
 * masked in case a driver ever repeats it. Lifeboat's own errors pass through untouched.
 */
export function wrapPgError(err: unknown, where: string, url: string): Error {
  if (err instanceof LifeboatError) return err;
  // A server answer (with a SQLSTATE) is a ledger I/O failure; no answer at all is an unreachable server.
  const code = err instanceof pg.DatabaseError ? 'LEDGER_IO' : 'DATABASE_UNREACHABLE';
  return new LifeboatError(code, `ledger ${where}: ${redact((err as Error).message, url)}`, { cause: err });
}
