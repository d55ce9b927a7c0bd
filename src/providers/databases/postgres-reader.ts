import pg from 'pg';
import { CHECKSUM_ALGORITHM, postgresChecksumQuery } from './canonical-checksum.js';
import { LifeboatError } from '../../domain/index.js';
import { groupColumns } from './mysql-reader.js';
import { postgresIdentity } from './server-identity.js';
import type { DatabaseReader, DatabaseSnapshot, Dsn } from './types.js';

const SYSTEM_SCHEMAS = "('pg_catalog', 'information_schema', 'pg_toast')";

/** Reads row counts and checksums from PostgreSQL inside one REPEATABLE READ, READ ONLY transaction. */
export function createPostgresReader(dsn: Dsn): DatabaseReader {
  const connect = async () => {
    const client = new pg.Client({ host: dsn.host, port: dsn.port, user: dsn.user, password: dsn.password, database: dsn.database });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      throw new LifeboatError('DATABASE_UNREACHABLE', `cannot connect to ${dsn.safe}: ${(err as Error).message}`, { cause: err });
    }
    return client;
  };
  return {
    async identity() {
      const client = await connect();
      try {
        return await postgresIdentity(client);
      } finally {
        await client.end();
      }
    },
    async snapshot() {
      const client = await connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        // The first query fixes the snapshot; the server says when, so the host's clock cannot skew the consistent point.
        const takenAt = new Date(Number((await client.query<{ ms: string }>('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint::text AS ms')).rows[0]!.ms));
        const tableRows = (await client.query<{ s: string; n: string }>(`SELECT table_schema AS s, table_name AS n FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ${SYSTEM_SCHEMAS} ORDER BY 1, 2`)).rows;
        const colRows = (
          await client.query<{ s: string; t: string; c: string; d: string }>(
            `SELECT table_schema AS s, table_name AS t, column_name AS c, data_type AS d FROM information_schema.columns WHERE table_schema NOT IN ${SYSTEM_SCHEMAS} ORDER BY table_schema, table_name, ordinal_position`,
          )
        ).rows;
        const columns = groupColumns(colRows.map((r) => ({ table: `${r.s}.${r.t}`, name: r.c, dataType: r.d })));
        const tables: DatabaseSnapshot['tables'] = [];
        for (const { s, n } of tableRows) {
          const { rows } = await client.query<{ n: string; s: string }>(postgresChecksumQuery(s, n, columns.get(`${s}.${n}`) ?? []));
          tables.push({ schema: s, name: n, rows: Number(rows[0]!.n), checksum: rows[0]!.s });
        }
        const names = async (sql: string) => (await client.query<{ n: string }>(sql)).rows.map((r) => r.n);
        const objects = {
          views: await names(`SELECT table_schema || '.' || table_name AS n FROM information_schema.views WHERE table_schema NOT IN ${SYSTEM_SCHEMAS} ORDER BY 1`),
          routines: await names(`SELECT DISTINCT routine_schema || '.' || routine_name AS n FROM information_schema.routines WHERE routine_schema NOT IN ${SYSTEM_SCHEMAS} ORDER BY 1`),
          triggers: await names(`SELECT DISTINCT trigger_name AS n FROM information_schema.triggers WHERE trigger_schema NOT IN ${SYSTEM_SCHEMAS} ORDER BY 1`),
        };
        await client.query('COMMIT');
        return { engine: 'postgres', database: dsn.database, takenAt, tables, objects, checksumAlgorithm: CHECKSUM_ALGORITHM };
      } finally {
        await client.end();
      }
    },
  };
}
