import mysql from 'mysql2/promise';
import type { Readable } from 'node:stream';
import { LifeboatError } from '../../domain/index.js';
import { assertDroppable, randomPassword } from './names.js';
import { runClient } from './run-client.js';
import { SqlGuardFilter } from './sql-guard-filter.js';
import type { SandboxProvider, SandboxTarget } from './types.js';

export interface ServerLogin {
  host: string;
  port: number;
  user: string;
  password: string;
}

const q = (id: string) => `\`${id.replace(/`/g, '``')}\``;

/**
 * A MySQL/MariaDB server used for drills: each run gets its own database and a user whose
 * only grant is that database, and restores through the standard client as that user.
 */
/** baseEnv: the environment the client runs with (PATH, locale), from the composition root. */
export function createMysqlSandbox(admin: ServerLogin, opts: { client?: string; baseEnv?: Readonly<Record<string, string | undefined>> } = {}): SandboxProvider {
  const passwords = new Map<string, string>();
  const client = opts.client ?? 'mysql';
  const adminConn = () =>
    mysql.createConnection({ host: admin.host, port: admin.port, user: admin.user, password: admin.password }).catch((err: Error) => {
      throw new LifeboatError('DATABASE_UNREACHABLE', `sandbox server ${admin.host}:${admin.port}: ${err.message}`, { cause: err });
    });
  const withAdmin = async <T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> => {
    const c = await adminConn();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const account = (user: string) => `'${user}'@'%'`;

  return {
    kind: 'mysql',
    engine: 'mysql',
    server: { host: admin.host, port: admin.port },
    async probe() {
      try {
        return await withAdmin(async (c) => {
          const [rows] = await c.query<mysql.RowDataPacket[]>('SHOW GRANTS');
          const grants = rows.map((r) => String(Object.values(r)[0])).join('\n');
          const ok = /ALL PRIVILEGES ON \*\.\*/i.test(grants) || (/CREATE USER/i.test(grants) && /CREATE/i.test(grants));
          return ok ? [] : [`user ${admin.user} on ${admin.host}:${admin.port} lacks CREATE and CREATE USER rights`];
        });
      } catch (err) {
        return [(err as Error).message];
      }
    },
    async create(lease) {
      const password = randomPassword();
      await withAdmin(async (c) => {
        await c.query(`CREATE DATABASE ${q(lease.database)} CHARACTER SET utf8mb4`);
        await c.query(`CREATE USER ${account(lease.user!)} IDENTIFIED BY ?`, [password]);
        await c.query(`GRANT ALL PRIVILEGES ON ${q(lease.database)}.* TO ${account(lease.user!)}`);
      });
      passwords.set(lease.id, password);
    },
    async open(lease) {
      let password = passwords.get(lease.id);
      if (!password) {
        // Another process created it (a resumed drill): give the run user a fresh password.
        password = randomPassword();
        await withAdmin((c) => c.query(`ALTER USER ${account(lease.user!)} IDENTIFIED BY ?`, [password]));
        passwords.set(lease.id, password);
      }
      const login = { host: admin.host, port: admin.port, user: lease.user!, password, database: lease.database };
      const conn = await mysql.createConnection({ ...login, multipleStatements: false, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
      await conn.query("SET SESSION time_zone = '+00:00'");
      const target: SandboxTarget = {
        engine: 'mysql',
        async restoreSql(sql: Readable, signal?: AbortSignal) {
          const filter = new SqlGuardFilter('mysql');
          const args = [`--host=${login.host}`, `--port=${login.port}`, `--user=${login.user}`, `--database=${login.database}`, '--default-character-set=utf8mb4', '--binary-mode', '--no-auto-rehash'];
          await runClient(client, args, { env: { MYSQL_PWD: password! }, baseEnv: opts.baseEnv ?? {}, stdin: sql.pipe(filter), secret: password, signal });
          return { filtered: filter.report.dropped, tool: client };
        },
        async query<T>(text: string) {
          const [rows] = await conn.query(text);
          return rows as T[];
        },
        close: () => conn.end(),
      };
      return target;
    },
    async destroy(lease) {
      assertDroppable(lease);
      await withAdmin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${q(lease.database)}`);
        if (lease.user) await c.query(`DROP USER IF EXISTS ${account(lease.user)}`);
      });
      passwords.delete(lease.id);
    },
  };
}
