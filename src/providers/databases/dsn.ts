import { LifeboatError, rememberSecret } from '../../domain/index.js';
import type { Dsn } from './types.js';

/** Parses mysql://user[:password]@host[:port]/db and postgres(ql)://…; a clear error otherwise. */
export function parseDsn(text: string, fallbackPassword?: string): Dsn {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LifeboatError('USAGE', 'expected a DSN such as mysql://reader@db.internal:3306/shop or postgres://reader@db.internal:5432/shop');
  }
  const scheme = url.protocol.replace(/:$/, '');
  const engine = scheme === 'mysql' || scheme === 'mariadb' ? 'mysql' : scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : undefined;
  if (!engine) throw new LifeboatError('USAGE', `DSN scheme ${scheme}: expected mysql, mariadb, postgres or postgresql`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new LifeboatError('USAGE', 'the DSN names no database: expected …/DATABASE at the end');
  const password = url.password ? decodeURIComponent(url.password) : fallbackPassword;
  rememberSecret(password);
  const safe = new URL(url.href);
  if (safe.password) safe.password = 'REDACTED';
  return {
    engine,
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : engine === 'mysql' ? 3306 : 5432,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    database,
    password,
    safe: safe.href,
  };
}
