import path from 'node:path';
import { resolveSecret, type Env, type LoadedConfig } from '../config/index.js';
import { LifeboatError } from '../domain/index.js';
import { createMysqlSandbox, createPgliteSandbox, createPostgresSandbox, type SandboxProvider } from '../providers/index.js';

/** Builds each sandbox provider once, resolving its admin credentials from the environment or secret files. */
export function sandboxFactory(config: LoadedConfig, env: Env): (name: string) => Promise<SandboxProvider> {
  const made = new Map<string, Promise<SandboxProvider>>();
  const build = async (name: string): Promise<SandboxProvider> => {
    const sb = config.estate.sandboxes?.[name];
    if (!sb) throw new LifeboatError('CONFIG_INVALID', `unknown sandbox ${name}`);
    if (sb.kind === 'pglite') return createPgliteSandbox({ dataRoot: sb.dataDir ? path.resolve(config.baseDir, sb.dataDir) : undefined });
    const cred = config.estate.credentials?.[sb.credentials];
    if (!cred || cred.kind !== 'database') throw new LifeboatError('CONFIG_INVALID', `sandbox ${name}: credential profile ${sb.credentials} is not kind database`);
    const where = `credentials.${sb.credentials}`;
    const user = typeof cred.user === 'string' ? cred.user : await resolveSecret(cred.user, `${where}.user`, env, config.baseDir);
    const password = await resolveSecret(cred.password, `${where}.password`, env, config.baseDir);
    const login = { host: sb.host, port: sb.port ?? (sb.kind === 'mysql' ? 3306 : 5432), user, password };
    return sb.kind === 'mysql' ? createMysqlSandbox(login) : createPostgresSandbox({ ...login, adminDatabase: sb.adminDatabase });
  };
  return (name) => {
    let p = made.get(name);
    if (!p) {
      p = build(name);
      made.set(name, p);
      p.catch(() => made.delete(name));
    }
    return p;
  };
}
