import { LifeboatError } from './errors.js';

/**
 * System error codes of a network that may come back (and mysql2's lost connection): worth another attempt even when they
 * reach a job unwrapped (a driver or socket error nobody turned into a LifeboatError).
 */
const TRANSIENT_SYSTEM_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'EPIPE', 'ENOTCONN', 'ECONNABORTED']);

/**
 * Whether a job's error earns a retry: a LifeboatError marked retryable (unreachable
 * database or region, a busy ledger) or a transient network error. Anything else (a bug, a
 * TypeError, an error nobody classified) is final: retrying a bug only repeats it, and the
 * failed job shows it at once instead of after every backoff.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof LifeboatError) return err.retryable;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_SYSTEM_CODES.has(code);
}
