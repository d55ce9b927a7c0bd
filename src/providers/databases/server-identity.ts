import type mysql from 'mysql2/promise';
import type pg from 'pg';
import type { ServerIdentity } from '../sandboxes/types.js';

/**
 * Asks a MySQL/MariaDB server who it is. hostname + port + datadir is unique per running
 * server on a machine; MySQL adds a server_uuid (MariaDB has none), used when present.
 */
export async function mysqlIdentity(conn: mysql.Connection): Promise<ServerIdentity> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT @@hostname AS h, @@port AS p, @@datadir AS d, @@version AS v');
  const r = rows[0]!;
  const keys = [`mysql-server:${r.h}|${r.p}|${r.d}`];
  const uuid = await conn
    .query<mysql.RowDataPacket[]>('SELECT @@server_uuid AS u')
    .then(([u]) => String(u[0]!.u))
    .catch(() => undefined);
  if (uuid) keys.push(`mysql-uuid:${uuid}`);
  return { keys, describe: `${r.v} on ${r.h}:${r.p} (${r.d})` };
}

/**
 * Asks a PostgreSQL server who it is: the cluster's system identifier (from pg_control,
 * readable by any role) with its port, and the data directory where the role may see it.
 */
export async function postgresIdentity(client: pg.Client): Promise<ServerIdentity> {
  const { rows } = await client.query<{ id: string; port: string; v: string }>("SELECT system_identifier::text AS id, current_setting('port') AS port, current_setting('server_version') AS v FROM pg_control_system()");
  const r = rows[0]!;
  const keys = [`postgres-system:${r.id}|${r.port}`];
  const dataDir = await client
    .query<{ d: string }>("SELECT current_setting('data_directory') AS d")
    .then((x) => x.rows[0]!.d)
    .catch(() => undefined);
  if (dataDir) keys.push(`postgres-datadir:${dataDir}|${r.port}`);
  return { keys, describe: `PostgreSQL ${r.v}, system ${r.id}, port ${r.port}` };
}
