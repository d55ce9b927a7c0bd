import pg from 'pg';
import { postgresIdentity } from '../databases/server-identity.js';
import { restoreOverPostgres } from './restore/postgres-wire.js';
import { createServerSandbox } from './server-sandbox.js';
import type { SandboxProvider, ServerLogin } from './types.js';

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * A PostgreSQL server used for drills: each run gets a login role (no superuser, no
 * CREATEDB/CREATEROLE, no pg_read_server_files or pg_execute_server_program) and a
 * database it owns, and restores over the wire as that role, never as the admin.
 */
export function createPostgresSandbox(admin: ServerLogin & { adminDatabase?: string }): SandboxProvider {
  return createServerSandbox<pg.Client>(admin, {
    kind: 'postgres',
    engine: 'postgres',
    connectAdmin: (a) => connected(new pg.Client({ host: a.host, port: a.port, user: a.user, password: a.password, database: admin.adminDatabase ?? 'postgres' })),
    endAdmin: (c) => c.end(),
    async problems(c) {
      const { rows } = await c.query<{ super: boolean; createdb: boolean; createrole: boolean }>('SELECT rolsuper AS super, rolcreatedb AS createdb, rolcreaterole AS createrole FROM pg_roles WHERE rolname = current_user');
      const r = rows[0];
      if (!r || r.super) return [];
      const missing = [...(r.createdb ? [] : ['CREATEDB']), ...(r.createrole ? [] : ['CREATEROLE'])];
      return missing.length ? [`role ${admin.user} on ${admin.host}:${admin.port} lacks ${missing.join(' and ')}: needed to create each run's database and role`] : [];
    },
    identity: postgresIdentity,
    async createRun(c, lease, password) {
      await c.query(`CREATE ROLE ${q(lease.user!)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${lit(password)}`);
      // The admin may not be a superuser: it must be a member of the role to give it a database.
      await c.query(`GRANT ${q(lease.user!)} TO CURRENT_USER`).catch(() => undefined);
      await c.query(`CREATE DATABASE ${q(lease.database)} OWNER ${q(lease.user!)}`);
      await c.query(`REVOKE ALL ON DATABASE ${q(lease.database)} FROM PUBLIC`);
    },
    async setRunPassword(c, lease, password) {
      await c.query(`ALTER ROLE ${q(lease.user!)} PASSWORD ${lit(password)}`);
    },
    async dropRun(c, lease) {
      await c.query(`DROP DATABASE IF EXISTS ${q(lease.database)} WITH (FORCE)`);
      if (lease.user) await c.query(`DROP ROLE IF EXISTS ${q(lease.user)}`);
    },
    restore: restoreOverPostgres,
    async connectRun(login) {
      const c = await connected(new pg.Client(login));
      await c.query("SET TIME ZONE 'UTC'");
      return {
        query: async <T>(text: string) => (await c.query(text)).rows as T[],
        end: () => c.end(),
      };
    },
  });
}

/** A connection the server ends (pg_terminate_backend) reports through the query, never as an unhandled event. */
async function connected(c: pg.Client): Promise<pg.Client> {
  c.on('error', () => undefined);
  await c.connect();
  return c;
}
