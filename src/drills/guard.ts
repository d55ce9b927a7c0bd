import type { LoadedConfig, Resource } from '../config/index.js';
import { LifeboatError, messageOf } from '../domain/index.js';
import type { SandboxProvider, ServerIdentity } from '../providers/index.js';
import { localInterfaceAddresses, serverAddresses, THIS_MACHINE } from './server-aliases.js';

export type ResolveHost = (host: string) => Promise<string[]>;
/** Asks a production resource's database who it is, with its read-only credentials (undefined: none configured). */
export type SourceIdentity = (resourceId: string) => Promise<ServerIdentity | undefined>;

export interface GuardDeps {
  resolveHost: ResolveHost;
  sourceIdentity?: SourceIdentity;
}

const DEFAULT_PORT = { mysql: 3306, postgres: 5432 } as const;

/**
 * Safety rule 1: a drill writes only into a sandbox that is not production. Refuses, before
 * anything is written anywhere, a sandbox on the server of any resource's production source.
 * It compares servers, not spellings: both servers are asked who they are (system identifier,
 * data directory, port), and, whether or not they answer, addresses are compared with every
 * alias of this machine (localhost, 0.0.0.0, ::, 127.0.0.0/8, ::ffff: forms, its interfaces
 * and host name) taken as one. Server, not database: creating a database and a user on a
 * production server is already writing to production.
 */
export async function guardSandbox(config: LoadedConfig, sandboxName: string, provider: SandboxProvider, deps: GuardDeps): Promise<string> {
  if (!provider.server) return 'embedded sandbox, no server';
  const sb = provider.server;
  const interfaces = localInterfaceAddresses();
  const { addrs: sandboxAddrs, resolved } = await serverAddresses(sb.host, deps.resolveHost, interfaces);
  // A name that does not resolve now cannot be compared: refused rather than judged by its spelling.
  if (!resolved) throw new LifeboatError('SANDBOX_REFUSED', `sandbox ${sandboxName} (${sb.host}:${sb.port}): its host name does not resolve, so it cannot be told apart from production: refused before writing anything`);
  let sandboxId: ServerIdentity | undefined;
  let sandboxIdError: string | undefined;
  try {
    sandboxId = await provider.identity?.();
  } catch (err) {
    sandboxIdError = messageOf(err);
  }
  const compared: string[] = [];
  for (const r of config.resources.values()) {
    const src = serverSource(r);
    if (!src || src.engine !== provider.engine) continue;
    const refuse = (why: string): never => {
      throw new LifeboatError('SANDBOX_REFUSED', `sandbox ${sandboxName} (${sb.host}:${sb.port}) is the server of production resource ${r.id} (${src.host}:${src.port}/${src.database}, ${why}): refused before writing anything`);
    };
    if (sandboxId && deps.sourceIdentity) {
      const prodId = await deps.sourceIdentity(r.id).catch(() => undefined);
      if (prodId) {
        const same = prodId.keys.find((k) => sandboxId!.keys.includes(k));
        if (same) refuse(`both say they are ${prodId.describe}`);
        compared.push(`${r.id}: a different server (${prodId.describe})`);
      }
    }
    // Addresses are compared even when both answered: one port on one machine is one server.
    if (src.port !== sb.port) continue;
    const { addrs: prodAddrs } = await serverAddresses(src.host, deps.resolveHost, interfaces);
    const shared = [...prodAddrs].find((a) => sandboxAddrs.has(a));
    if (shared) refuse(shared === THIS_MACHINE ? 'both on this machine' : `both ${shared}`);
  }
  const who = sandboxId ? sandboxId.describe : `not asked (${sandboxIdError ?? 'no identity'})`;
  return `${sb.host}:${sb.port} (${who}) is no production resource's server${compared.length ? `; ${compared.join('; ')}` : ''}`;
}

function serverSource(r: Resource) {
  const src = r.source;
  if (!src || src.engine === 'pglite') return undefined;
  return { engine: src.engine, host: src.host, port: src.port ?? DEFAULT_PORT[src.engine], database: src.database };
}
