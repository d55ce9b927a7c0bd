import path from 'node:path';
import { resolveSecret, type Env, type LoadedConfig, type Resource } from '../config/index.js';
import { LifeboatError } from '../domain/index.js';
import { DEFAULT_CANARY_TABLE, type CanaryTarget } from '../providers/index.js';

/** Where a resource's canary goes, with its insert-only credential resolved. */
export async function canaryTargetFor(config: LoadedConfig, resource: Resource, env: Env): Promise<CanaryTarget> {
  const src = resource.source;
  if (!src) throw new LifeboatError('CONFIG_INVALID', `resource ${resource.id} has no source: database to write a canary to`);
  const table = src.canaryTable ?? DEFAULT_CANARY_TABLE;
  if (src.engine === 'pglite') return { engine: 'pglite', dataDir: path.resolve(config.baseDir, src.dataDir), table };
  const profile = src.canaryCredentials;
  if (!profile) throw new LifeboatError('CONFIG_INVALID', `resource ${resource.id}: source.canaryCredentials is needed (a profile that can only insert into ${table})`);
  const cred = config.estate.credentials?.[profile];
  if (!cred || cred.kind !== 'database') throw new LifeboatError('CONFIG_INVALID', `resource ${resource.id}: credential profile ${profile} is not kind database`);
  const where = `credentials.${profile}`;
  return {
    engine: src.engine,
    host: src.host,
    port: src.port ?? (src.engine === 'mysql' ? 3306 : 5432),
    database: src.database,
    user: typeof cred.user === 'string' ? cred.user : await resolveSecret(cred.user, `${where}.user`, env, config.baseDir),
    password: await resolveSecret(cred.password, `${where}.password`, env, config.baseDir),
    table,
  };
}
