import mysql from 'mysql2/promise';
import { LifeboatError } from '../../domain/index.js';
import { mysqlIdentity } from '../databases/server-identity.js';
import { missingMysqlRights, RUN_USER_PRIVILEGES } from './mysql-rights.js';
import { restoreOverMysql } from './restore/mysql-wire.js';
import { createServerSandbox } from './server-sandbox.js';
import type { SandboxProvider, ServerLogin } from './types.js';

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
  const account = (user: string) => `'${user}'@'%'`;
  return createServerSandbox<mysql.Connection>(admin, {
    kind: 'mysql',
    engine: 'mysql',
    connectAdmin: (a) => mysql.createConnection({ host: a.host, port: a.port, user: a.user, password: a.password }),
    endAdmin: (c) => c.end(),
    async problems(c) {
      const missing = await missingMysqlRights(c);
      const engines = await foreignEngines(c);
      return [
        ...(missing.length ? [`user ${admin.user} on ${admin.host}:${admin.port} lacks ${missing.join(', ')}: needed to create each run's database and user`] : []),
        ...(engines.length ? [`sandbox server ${admin.host}:${admin.port} has the ${engines.join(', ')} storage engine enabled: a restore could reach other servers through it`] : []),
      ];
    },
    identity: mysqlIdentity,
    async createRun(c, lease, password) {
      const engines = await foreignEngines(c);
      if (engines.length) throw new LifeboatError('SANDBOX_REFUSED', `sandbox server ${admin.host}:${admin.port} has the ${engines.join(', ')} storage engine enabled: a restore could reach other servers through it; disable it on the sandbox server`);
      await c.query(`CREATE DATABASE ${q(lease.database)} CHARACTER SET utf8mb4`);
      await c.query(`CREATE USER ${account(lease.user!)} IDENTIFIED BY ?`, [password]);
      await c.query(`GRANT ${RUN_USER_PRIVILEGES.join(', ')} ON ${grantDb(lease.database)}.* TO ${account(lease.user!)}`);
    },
    async setRunPassword(c, lease, password) {
      await c.query(`ALTER USER ${account(lease.user!)} IDENTIFIED BY ?`, [password]);
    },
    async dropRun(c, lease) {
      // A run user's statement still running (a restored view that sleeps) would hold the drop.
      if (lease.user) {
        const [threads] = await c.query<mysql.RowDataPacket[]>('SELECT id FROM information_schema.processlist WHERE user = ?', [lease.user]);
        for (const t of threads) await c.query('KILL ?', [Number(t.id)]).catch(() => undefined);
      }
      await c.query(`DROP DATABASE IF EXISTS ${q(lease.database)}`);
      if (lease.user) await c.query(`DROP USER IF EXISTS ${account(lease.user)}`);
    },
    restore: restoreOverMysql,
    async connectRun(login) {
      const c = await mysql.createConnection({ ...login, multipleStatements: false, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, flags: ['-LOCAL_FILES'] });
      c.on('error', () => undefined);
      await c.query("SET SESSION time_zone = '+00:00'");
      return {
        async query<T>(text: string) {
          const [rows] = await c.query(text);
          return rows as T[];
        },
        end: () => c.end(),
      };
    },
  });
}

async function foreignEngines(c: mysql.Connection): Promise<string[]> {
  const [rows] = await c.query<mysql.RowDataPacket[]>(`SELECT engine AS e FROM information_schema.engines WHERE support IN ('YES', 'DEFAULT') AND engine IN (${FOREIGN_ENGINES.map(() => '?').join(', ')})`, FOREIGN_ENGINES);
  return rows.map((r) => String(r.e));
}
