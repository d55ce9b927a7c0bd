import mysql from 'mysql2/promise';
import { CHECKSUM_ALGORITHM, mysqlChecksumQuery, type ColumnInfo } from './canonical-checksum.js';
import { LifeboatError } from '../../domain/index.js';
import { mysqlIdentity } from './server-identity.js';
import type { DatabaseReader, DatabaseSnapshot, Dsn } from './types.js';

/** Reads row counts and checksums from MySQL/MariaDB inside one READ ONLY consistent-snapshot transaction. */
export function createMysqlReader(dsn: Dsn): DatabaseReader {
  const connect = () =>
    mysql.createConnection({ host: dsn.host, port: dsn.port, user: dsn.user, password: dsn.password, database: dsn.database, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true }).catch((err: Error) => {
      throw new LifeboatError('DATABASE_UNREACHABLE', `cannot connect to ${dsn.safe}: ${err.message}`, { cause: err });
    });
  return {
    async identity() {
      const conn = await connect();
      try {
        return await mysqlIdentity(conn);
      } finally {
        await conn.end();
      }
    },
    async snapshot() {
      const conn = await connect();
      try {
        await conn.query("SET SESSION time_zone = '+00:00'");
        await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
        // The snapshot was fixed by the statement above; the server says when, so the host's clock cannot skew the consistent point.
        const [[clock]] = (await conn.query('SELECT CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS UNSIGNED) AS ms')) as unknown as [{ ms: string | number }[]];
        const takenAt = new Date(Number(clock!.ms));
        const [tableRows] = await conn.query<mysql.RowDataPacket[]>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name", [dsn.database]);
        const [colRows] = await conn.query<mysql.RowDataPacket[]>('SELECT table_name AS t, column_name AS c, data_type AS d FROM information_schema.columns WHERE table_schema = ? ORDER BY table_name, ordinal_position', [dsn.database]);
        const columns = groupColumns(colRows.map((r) => ({ table: String(r.t), name: String(r.c), dataType: String(r.d) })));
        const tables: DatabaseSnapshot['tables'] = [];
        for (const { name } of tableRows as { name: string }[]) {
          const [[row]] = (await conn.query(mysqlChecksumQuery(dsn.database, name, columns.get(name) ?? []))) as unknown as [{ n: string; s: string }[]];
          tables.push({ schema: dsn.database, name, rows: Number(row!.n), checksum: String(row!.s) });
        }
        const names = async (sql: string) => ((await conn.query<mysql.RowDataPacket[]>(sql, [dsn.database]))[0] as { n: string }[]).map((r) => r.n);
        const objects = {
          views: await names('SELECT table_name AS n FROM information_schema.views WHERE table_schema = ? ORDER BY 1'),
          routines: await names('SELECT routine_name AS n FROM information_schema.routines WHERE routine_schema = ? ORDER BY 1'),
          triggers: await names('SELECT trigger_name AS n FROM information_schema.triggers WHERE trigger_schema = ? ORDER BY 1'),
        };
        await conn.query('COMMIT');
        return { engine: 'mysql', database: dsn.database, takenAt, tables, objects, checksumAlgorithm: CHECKSUM_ALGORITHM };
      } finally {
        await conn.end();
      }
    },
  };
}

export function groupColumns(cols: { table: string; name: string; dataType: string }[]): Map<string, ColumnInfo[]> {
  const out = new Map<string, ColumnInfo[]>();
  for (const c of cols) out.set(c.table, [...(out.get(c.table) ?? []), { name: c.name, dataType: c.dataType }]);
  return out;
}
