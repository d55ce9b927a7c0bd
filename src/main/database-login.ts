import { resolveSecret, type Env, type LoadedConfig } from '../config/index.js';

/** A database credential profile's user and password, from literals, the environment or secret files. */
export async function databaseLogin(config: LoadedConfig, profile: string, env: Env): Promise<{ user: string; password: string } | undefined> {
  const cred = config.estate.credentials?.[profile];
  if (!cred || cred.kind !== 'database') return undefined;
  const where = `credentials.${profile}`;
  const user = typeof cred.user === 'string' ? cred.user : await resolveSecret(cred.user, `${where}.user`, env, config.baseDir);
  return { user, password: await resolveSecret(cred.password, `${where}.password`, env, config.baseDir) };
}

/** One call per key while it succeeds; a failure is forgotten, so the next call tries again. */
export function onceUnlessFailed<T>(make: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const made = new Map<string, Promise<T>>();
  return (key) => {
    let p = made.get(key);
    if (!p) {
      p = make(key);
      made.set(key, p);
      p.catch(() => made.delete(key));
    }
    return p;
  };
}
