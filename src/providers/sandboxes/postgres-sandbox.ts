import pg from 'pg';
import type { Readable } from 'node:stream';
import { LifeboatError } from '../../domain/index.js';
import { postgresIdentity } from '../databases/server-identity.js';
import { assertDroppable, randomPassword } from './names.js';
import { restoreOverPostgres } from './restore/postgres-wire.js';
import type { SandboxProvider, SandboxTarget, ServerLogin } from './types.js';

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * A PostgreSQL server used for drills: each run gets a login role (no superuser, no
 * CREATEDB/CREATEROLE, no pg_read_server_files or pg_execute_server_program) and a
 * database it owns, and restores over the wire as that role, never as the admin.
 */
export function createPostgresSandbox(admin: ServerLogin & { adminDatabase?: string }): SandboxProvider {
  const passwords = new Map<string, string>();
  const withAdmin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ host: admin.host, port: admin.port, user: admin.user, password: admin.password, database: admin.adminDatabase ?? 'postgres' });
    // A connection the server ends (pg_terminate_backend) reports through the query, never as an unhandled event.
    c.on('error', () => undefined);
    try {
      await c.connect();
    } catch (err) {
      throw new LifeboatError('DATABASE_UNREACHABLE', `sandbox server ${admin.host}:${admin.port}: ${(err as Error).message}`, { cause: err });
    }
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };

  return {
    kind: 'postgres',
    engine: 'postgres',
    server: { host: admin.host, port: admin.port },
    async probe() {
      try {
        return await withAdmin(async (c) => {
          const { rows } = await c.query<{ super: boolean; createdb: boolean; createrole: boolean }>('SELECT rolsuper AS super, rolcreatedb AS createdb, rolcreaterole AS createrole FROM pg_roles WHERE rolname = current_user');
          const r = rows[0];
          if (!r || r.super) return [];
          const missing = [...(r.createdb ? [] : ['CREATEDB']), ...(r.createrole ? [] : ['CREATEROLE'])];
          return missing.length ? [`role ${admin.user} on ${admin.host}:${admin.port} lacks ${missing.join(' and ')}: needed to create each run's database and role`] : [];
        });
      } catch (err) {
        return [(err as Error).message];
      }
    },
    identity: () => withAdmin(postgresIdentity),
    async create(lease) {
      const password = randomPassword();
      await withAdmin(async (c) => {
        await c.query(`CREATE ROLE ${q(lease.user!)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${lit(password)}`);
        // The admin may not be a superuser: it must be a member of the role to give it a database.
        await c.query(`GRANT ${q(lease.user!)} TO CURRENT_USER`).catch(() => undefined);
        await c.query(`CREATE DATABASE ${q(lease.database)} OWNER ${q(lease.user!)}`);
        await c.query(`REVOKE ALL ON DATABASE ${q(lease.database)} FROM PUBLIC`);
      });
      passwords.set(lease.id, password);
    },
    async open(lease) {
      let password = passwords.get(lease.id);
      if (!password) {
        password = randomPassword();
        await withAdmin((c) => c.query(`ALTER ROLE ${q(lease.user!)} PASSWORD ${lit(password!)}`));
        passwords.set(lease.id, password);
      }
      const login = { host: admin.host, port: admin.port, user: lease.user!, password, database: lease.database };
      // The checks' connection opens after the restore: the dump's role could end its other sessions (pg_terminate_backend).
      let client: Promise<pg.Client> | undefined;
      const checks = () =>
        (client ??= (async () => {
          const c = new pg.Client(login);
          c.on('error', () => undefined);
          await c.connect();
          await c.query("SET TIME ZONE 'UTC'");
          return c;
        })());
      const target: SandboxTarget = {
        engine: 'postgres',
        restoreSql: (sql: Readable, signal?: AbortSignal) => restoreOverPostgres(login, sql, signal),
        async query<T>(text: string) {
          return (await (await checks()).query(text)).rows as T[];
        },
        close: async () => {
          if (client) await (await client).end().catch(() => undefined);
        },
      };
      return target;
    },
    async destroy(lease) {
      assertDroppable(lease);
      await withAdmin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${q(lease.database)} WITH (FORCE)`);
        if (lease.user) await c.query(`DROP ROLE IF EXISTS ${q(lease.user)}`);
      });
      passwords.delete(lease.id);
    },
  };
}
