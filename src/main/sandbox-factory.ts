import path from 'node:path';
import type { Env, LoadedConfig } from '../config/index.js';
import { LifeboatError } from '../domain/index.js';
import { createMysqlSandbox, createPgliteSandbox, createPostgresSandbox, type SandboxProvider } from '../providers/index.js';
import { databaseLogin, onceUnlessFailed } from './database-login.js';

/** Builds each sandbox provider once, resolving its admin credentials from the environment or secret files. */
export function sandboxFactory(config: LoadedConfig, env: Env): (name: string) => Promise<SandboxProvider> {
  return onceUnlessFailed(async (name: string): Promise<SandboxProvider> => {
    const sb = config.estate.sandboxes?.[name];
    if (!sb) throw new LifeboatError('CONFIG_INVALID', `unknown sandbox ${name}`);
    if (sb.kind === 'pglite') return createPgliteSandbox({ dataRoot: sb.dataDir ? path.resolve(config.baseDir, sb.dataDir) : undefined });
    const login = await databaseLogin(config, sb.credentials, env);
    if (!login) throw new LifeboatError('CONFIG_INVALID', `sandbox ${name}: credential profile ${sb.credentials} is not kind database`);
    const server = { host: sb.host, port: sb.port ?? (sb.kind === 'mysql' ? 3306 : 5432), ...login };
    return sb.kind === 'mysql' ? createMysqlSandbox(server) : createPostgresSandbox({ ...server, adminDatabase: sb.adminDatabase });
  });
}
