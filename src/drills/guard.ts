import type { LoadedConfig } from '../config/index.js';
import { LifeboatError } from '../domain/index.js';
import type { SandboxProvider } from '../providers/index.js';

export type ResolveHost = (host: string) => Promise<string[]>;

const DEFAULT_PORT = { mysql: 3306, postgres: 5432 } as const;

/**
 * Safety rule 1: a drill writes only into a sandbox that is not production. Refuses, before
 * anything is written, a sandbox on the server of any resource's production source: same
 * engine and port, and a host resolving to a shared address. Server, not just database:
 * creating a database and a user on a production server is already writing to production.
 */
export async function guardSandbox(config: LoadedConfig, sandboxName: string, provider: SandboxProvider, resolve: ResolveHost): Promise<void> {
  if (!provider.server) return;
  const sandboxAddrs = new Set(await resolve(provider.server.host));
  for (const r of config.resources.values()) {
    const src = r.source;
    if (!src || src.engine === 'pglite') continue;
    const port = src.port ?? DEFAULT_PORT[src.engine];
    if (port !== provider.server.port || src.engine !== provider.engine) continue;
    const addrs = await resolve(src.host);
    const shared = addrs.filter((a) => sandboxAddrs.has(a));
    if (shared.length) {
      throw new LifeboatError(
        'CONFIG_INVALID',
        `sandbox ${sandboxName} (${provider.server.host}:${provider.server.port}) is the server of production resource ${r.id} (${src.host}:${port}/${src.database}, both ${shared[0]}): refused before writing anything`,
      );
    }
  }
}
