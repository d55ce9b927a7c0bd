import mysql from 'mysql2/promise';
import type { Readable } from 'node:stream';
import { LifeboatError } from '../../domain/index.js';
import { mysqlIdentity } from '../databases/server-identity.js';
import { assertDroppable, randomPassword } from './names.js';
import { missingMysqlRights, RUN_USER_PRIVILEGES } from './mysql-rights.js';
import { restoreOverMysql } from './restore/mysql-wire.js';
import type { SandboxProvider, SandboxTarget, ServerLogin } from './types.js';

const q = (id: string) => `\`${id.replace(/`/g, '``')}\``;

/**
 * A MySQL/MariaDB server used for drills: each run gets its own database and a user whose
 * only grants are on that database (no FILE, SUPER, PROCESS or CREATE USER: those are
 * global), and restores over the wire as that user.
 */
export function createMysqlSandbox(admin: ServerLogin): SandboxProvider {
  const passwords = new Map<string, string>();
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
        const missing = await withAdmin(missingMysqlRights);
        return missing.length ? [`user ${admin.user} on ${admin.host}:${admin.port} lacks ${missing.join(', ')}: needed to create each run's database and user`] : [];
      } catch (err) {
        return [(err as Error).message];
      }
    },
    identity: () => withAdmin(mysqlIdentity),
    async create(lease) {
      const password = randomPassword();
      await withAdmin(async (c) => {
        await c.query(`CREATE DATABASE ${q(lease.database)} CHARACTER SET utf8mb4`);
        await c.query(`CREATE USER ${account(lease.user!)} IDENTIFIED BY ?`, [password]);
        await c.query(`GRANT ${RUN_USER_PRIVILEGES.join(', ')} ON ${q(lease.database)}.* TO ${account(lease.user!)}`);
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
      const conn = await mysql.createConnection({ ...login, multipleStatements: false, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, flags: ['-LOCAL_FILES'] });
      await conn.query("SET SESSION time_zone = '+00:00'");
      const target: SandboxTarget = {
        engine: 'mysql',
        restoreSql: (sql: Readable, signal?: AbortSignal) => restoreOverMysql(login, sql, signal),
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
