import mysql from 'mysql2/promise';
import type { Readable } from 'node:stream';
import { LifeboatError } from '../../domain/index.js';
import { mysqlIdentity } from '../databases/server-identity.js';
import { assertDroppable, randomPassword } from './names.js';
import { missingMysqlRights, RUN_USER_PRIVILEGES } from './mysql-rights.js';
import { restoreOverMysql } from './restore/mysql-wire.js';
import type { SandboxProvider, SandboxTarget, ServerLogin } from './types.js';

const q = (id: string) => `\`${id.replace(/`/g, '``')}\``;
/** In a database-level GRANT, _ and % are wildcards: escaped, the grant names this one database and no look-alike. */
const grantDb = (db: string) => q(db.replace(/[\\_%]/g, '\\$&'));
/** Storage engines that reach other servers or host files: a restore could use them to leave the sandbox. */
const FOREIGN_ENGINES = ['FEDERATED', 'CONNECT', 'SPIDER'];

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
        return await withAdmin(async (c) => {
          const missing = await missingMysqlRights(c);
          const engines = await foreignEngines(c);
          return [
            ...(missing.length ? [`user ${admin.user} on ${admin.host}:${admin.port} lacks ${missing.join(', ')}: needed to create each run's database and user`] : []),
            ...(engines.length ? [`sandbox server ${admin.host}:${admin.port} has the ${engines.join(', ')} storage engine enabled: a restore could reach other servers through it`] : []),
          ];
        });
      } catch (err) {
        return [(err as Error).message];
      }
    },
    identity: () => withAdmin(mysqlIdentity),
    async create(lease) {
      const password = randomPassword();
      await withAdmin(async (c) => {
        const engines = await foreignEngines(c);
        if (engines.length) throw new LifeboatError('SANDBOX_REFUSED', `sandbox server ${admin.host}:${admin.port} has the ${engines.join(', ')} storage engine enabled: a restore could reach other servers through it; disable it on the sandbox server`);
        await c.query(`CREATE DATABASE ${q(lease.database)} CHARACTER SET utf8mb4`);
        await c.query(`CREATE USER ${account(lease.user!)} IDENTIFIED BY ?`, [password]);
        await c.query(`GRANT ${RUN_USER_PRIVILEGES.join(', ')} ON ${grantDb(lease.database)}.* TO ${account(lease.user!)}`);
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
      // The checks' connection opens after the restore, so nothing the dump runs (KILL) can reach it.
      let conn: Promise<mysql.Connection> | undefined;
      const checks = () =>
        (conn ??= mysql.createConnection({ ...login, multipleStatements: false, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, flags: ['-LOCAL_FILES'] }).then(async (c) => {
          c.on('error', () => undefined);
          await c.query("SET SESSION time_zone = '+00:00'");
          return c;
        }));
      const target: SandboxTarget = {
        engine: 'mysql',
        restoreSql: (sql: Readable, signal?: AbortSignal) => restoreOverMysql(login, sql, signal),
        async query<T>(text: string) {
          const [rows] = await (await checks()).query(text);
          return rows as T[];
        },
        close: async () => {
          if (conn) await (await conn).end().catch(() => undefined);
        },
      };
      return target;
    },
    async destroy(lease) {
      assertDroppable(lease);
      await withAdmin(async (c) => {
        // A run user's statement still running (a restored view that sleeps) would hold the drop.
        if (lease.user) {
          const [threads] = await c.query<mysql.RowDataPacket[]>('SELECT id FROM information_schema.processlist WHERE user = ?', [lease.user]);
          for (const t of threads) await c.query('KILL ?', [Number(t.id)]).catch(() => undefined);
        }
        await c.query(`DROP DATABASE IF EXISTS ${q(lease.database)}`);
        if (lease.user) await c.query(`DROP USER IF EXISTS ${account(lease.user)}`);
      });
      passwords.delete(lease.id);
    },
  };
}

async function foreignEngines(c: mysql.Connection): Promise<string[]> {
  const [rows] = await c.query<mysql.RowDataPacket[]>(`SELECT engine AS e FROM information_schema.engines WHERE support IN ('YES', 'DEFAULT') AND engine IN (${FOREIGN_ENGINES.map(() => '?').join(', ')})`, FOREIGN_ENGINES);
  return rows.map((r) => String(r.e));
}
