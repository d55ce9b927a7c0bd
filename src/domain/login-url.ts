import { LifeboatError } from './errors.js';
import { rememberSecret } from './secret-values.js';

/** A URL that carries a login (scheme://user:password@host:port/path), its parts decoded. */
export interface LoginUrl {
  url: URL;
  /** The scheme without its colon: mysql, postgres, redis, … */
  scheme: string;
  /** The host, 127.0.0.1 when the URL names none. */
  host: string;
  /** The port the URL names, if any. */
  port?: number;
  user?: string;
  password?: string;
  /** The URL with its password replaced by REDACTED: the only form of it fit for messages and logs. */
  safe: string;
}

/**
 * Parses a URL that may hold a password. The password is remembered as a secret the moment
 * it is read (so no log line or message can show it, whatever is wrong with the rest), and
 * a redacted copy of the URL is what callers print. `expected` is the USAGE error's text
 * when the text is not a URL at all.
 */
export function parseLoginUrl(text: string, expected: string): LoginUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LifeboatError('USAGE', expected);
  }
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  rememberSecret(password);
  const safe = new URL(url.href);
  if (safe.password) safe.password = 'REDACTED';
  return {
    url,
    scheme: url.protocol.replace(/:$/, ''),
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : undefined,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password,
    safe: safe.href,
  };
}
