import type { Env, LoadedConfig } from '../config/index.js';
import { createDatabaseReader, type ServerIdentity } from '../providers/index.js';
import { databaseLogin, onceUnlessFailed } from './database-login.js';

/**
 * Asks a resource's production database who it is, with its read-only profile
 * (source.credentials). Undefined when none is configured: the guard then compares
 * addresses only. One question per resource while it answers; an unreachable server is
 * asked again next time.
 */
export function sourceIdentities(config: LoadedConfig, env: Env): (resourceId: string) => Promise<ServerIdentity | undefined> {
  return onceUnlessFailed(async (resourceId: string) => {
    const src = config.resources.get(resourceId)?.source;
    if (!src || src.engine === 'pglite' || !src.credentials) return undefined;
    const login = await databaseLogin(config, src.credentials, env);
    if (!login) return undefined;
    const port = src.port ?? (src.engine === 'mysql' ? 3306 : 5432);
    return createDatabaseReader({ engine: src.engine, host: src.host, port, ...login, database: src.database, safe: `${src.engine}://${login.user}@${src.host}:${port}/${src.database}` }).identity();
  });
}
