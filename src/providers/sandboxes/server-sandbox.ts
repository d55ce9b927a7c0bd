import type { Readable } from 'node:stream';
import { LifeboatError } from '../../domain/index.js';
import { assertDroppable, randomPassword } from './names.js';
import type { Engine, Lease, RestoreStats, SandboxKind, SandboxProvider, SandboxTarget, ServerIdentity, ServerLogin } from './types.js';

/** The per-run login a restore and the checks use: the lease's user on its own database. */
export type RunLogin = ServerLogin & { database: string };

/** A connection of the run user for the checks: read rows, let go. */
export interface RunConnection {
  query<T>(text: string): Promise<T[]>;
  end(): Promise<void>;
}

/**
 * What differs between database servers: how to connect, and the SQL that makes, re-keys
 * and drops a run's database and user. Each hook gets an admin connection it must not end.
 */
export interface ServerEngine<C> {
  kind: SandboxKind;
  engine: Engine;
  connectAdmin(admin: ServerLogin): Promise<C>;
  endAdmin(c: C): Promise<void>;
  /** Missing rights and unsafe settings of the admin's server, as sentences. */
  problems(c: C): Promise<string[]>;
  identity(c: C): Promise<ServerIdentity>;
  createRun(c: C, lease: Lease, password: string): Promise<void>;
  setRunPassword(c: C, lease: Lease, password: string): Promise<void>;
  dropRun(c: C, lease: Lease): Promise<void>;
  restore(login: RunLogin, sql: Readable, signal?: AbortSignal): Promise<RestoreStats>;
  connectRun(login: RunLogin): Promise<RunConnection>;
}

/**
 * A sandbox on a database server: each run gets its own database and user with a random
 * password that never leaves this process (a run resumed by another process re-keys the
 * user), restores as that user, and the checks query through one connection of it.
 */
export function createServerSandbox<C>(admin: ServerLogin, engine: ServerEngine<C>): SandboxProvider {
  const passwords = new Map<string, string>();
  const withAdmin = async <T>(fn: (c: C) => Promise<T>): Promise<T> => {
    let c: C;
    try {
      c = await engine.connectAdmin(admin);
    } catch (err) {
      throw new LifeboatError('DATABASE_UNREACHABLE', `sandbox server ${admin.host}:${admin.port}: ${(err as Error).message}`, { cause: err });
    }
    try {
      return await fn(c);
    } finally {
      await engine.endAdmin(c);
    }
  };

  return {
    kind: engine.kind,
    engine: engine.engine,
    server: { host: admin.host, port: admin.port },
    async probe() {
      try {
        return await withAdmin((c) => engine.problems(c));
      } catch (err) {
        return [(err as Error).message];
      }
    },
    identity: () => withAdmin((c) => engine.identity(c)),
    async create(lease) {
      const password = randomPassword();
      await withAdmin((c) => engine.createRun(c, lease, password));
      passwords.set(lease.id, password);
    },
    async open(lease) {
      let password = passwords.get(lease.id);
      if (!password) {
        // Another process created it (a resumed drill): give the run user a fresh password.
        const fresh = randomPassword();
        await withAdmin((c) => engine.setRunPassword(c, lease, fresh));
        passwords.set(lease.id, fresh);
        password = fresh;
      }
      const login: RunLogin = { host: admin.host, port: admin.port, user: lease.user!, password, database: lease.database };
      // The checks' connection opens after the restore, so nothing the dump runs (KILL, pg_terminate_backend) can reach it.
      let conn: Promise<RunConnection> | undefined;
      const target: SandboxTarget = {
        engine: engine.engine,
        restoreSql: (sql: Readable, signal?: AbortSignal) => engine.restore(login, sql, signal),
        async query<T>(text: string) {
          return (await (conn ??= engine.connectRun(login))).query<T>(text);
        },
        close: async () => {
          if (conn) await (await conn).end().catch(() => undefined);
        },
      };
      return target;
    },
    async destroy(lease) {
      assertDroppable(lease);
      await withAdmin((c) => engine.dropRun(c, lease));
      passwords.delete(lease.id);
    },
  };
}
