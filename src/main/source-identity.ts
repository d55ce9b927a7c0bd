import { resolveSecret, type Env, type LoadedConfig } from '../config/index.js';
import { createDatabaseReader, type ServerIdentity } from '../providers/index.js';

/**
 * Asks a resource's production database who it is, with its read-only profile
 * (source.credentials). Undefined when none is configured: the guard then compares
 * addresses only. Results are kept for the process, one question per resource.
 */
export function sourceIdentities(config: LoadedConfig, env: Env): (resourceId: string) => Promise<ServerIdentity | undefined> {
  const asked = new Map<string, Promise<ServerIdentity | undefined>>();
  const ask = async (resourceId: string): Promise<ServerIdentity | undefined> => {
    const src = config.resources.get(resourceId)?.source;
    if (!src || src.engine === 'pglite' || !src.credentials) return undefined;
    const cred = config.estate.credentials?.[src.credentials];
    if (!cred || cred.kind !== 'database') return undefined;
    const where = `credentials.${src.credentials}`;
    const user = typeof cred.user === 'string' ? cred.user : await resolveSecret(cred.user, `${where}.user`, env, config.baseDir);
    const password = await resolveSecret(cred.password, `${where}.password`, env, config.baseDir);
    const port = src.port ?? (src.engine === 'mysql' ? 3306 : 5432);
    return createDatabaseReader({ engine: src.engine, host: src.host, port, user, password, database: src.database, safe: `${src.engine}://${user}@${src.host}:${port}/${src.database}` }).identity();
  };
  return (resourceId) => {
    let p = asked.get(resourceId);
    if (!p) {
      p = ask(resourceId);
      asked.set(resourceId, p);
      // An unreachable production server is asked again next time.
      p.catch(() => asked.delete(resourceId));
    }
    return p;
  };
}
