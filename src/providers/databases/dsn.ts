import { LifeboatError, parseLoginUrl, rememberSecret } from '../../domain/index.js';
import type { Dsn } from './types.js';

/** Parses mysql://user[:password]@host[:port]/db and postgres(ql)://…; a clear error otherwise. */
export function parseDsn(text: string, fallbackPassword?: string): Dsn {
  const login = parseLoginUrl(text, 'expected a DSN such as mysql://reader@db.internal:3306/shop or postgres://reader@db.internal:5432/shop');
  const { scheme } = login;
  const engine = scheme === 'mysql' || scheme === 'mariadb' ? 'mysql' : scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : undefined;
  if (!engine) throw new LifeboatError('USAGE', `DSN scheme ${scheme}: expected mysql, mariadb, postgres or postgresql`);
  const database = decodeURIComponent(login.url.pathname.replace(/^\//, ''));
  if (!database) throw new LifeboatError('USAGE', 'the DSN names no database: expected …/DATABASE at the end');
  const password = login.password ?? fallbackPassword;
  rememberSecret(password);
  return {
    engine,
    host: login.host,
    port: login.port ?? (engine === 'mysql' ? 3306 : 5432),
    user: login.user,
    database,
    password,
    safe: login.safe,
  };
}
