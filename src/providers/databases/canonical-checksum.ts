/**
 * lifeboat-v1 table checksum: computed inside the database server, identical for the same
 * data on MySQL/MariaDB and PostgreSQL (CHECKSUM TABLE is not: it changes with server
 * version and row format).
 *
 * Each value is written in a canonical text form (below), prefixed with its length in
 * characters, NULL as \N; a row is its values joined with ','; the row digest is the first
 * 60 bits of md5 of that text (UTF-8); the table checksum is the decimal sum of the row
 * digests. A sum is order-independent, and unlike XOR a duplicated row changes it.
 */
export const CHECKSUM_ALGORITHM = 'lifeboat-v1';

export interface ColumnInfo {
  name: string;
  /** information_schema data_type, lower-case (e.g. varchar, bigint, timestamp with time zone). */
  dataType: string;
}

type Family = 'text' | 'binary' | 'date' | 'datetime' | 'datetimetz' | 'time' | 'bool' | 'other';

function family(dataType: string): Family {
  const t = dataType.toLowerCase();
  if (/^(tinyblob|blob|mediumblob|longblob|binary|varbinary|bytea)$/.test(t)) return 'binary';
  if (t === 'date') return 'date';
  if (t === 'timestamp with time zone' || t === 'timestamp') return 'datetimetz';
  if (t === 'datetime' || t === 'timestamp without time zone') return 'datetime';
  if (t === 'time' || t === 'time without time zone') return 'time';
  if (t === 'boolean') return 'bool';
  if (/char|text|enum|set|json|uuid/.test(t)) return 'text';
  return 'other';
}

const myId = (n: string) => `\`${n.replace(/`/g, '``')}\``;
const pgId = (n: string) => `"${n.replace(/"/g, '""')}"`;

function mysqlValue(c: ColumnInfo): string {
  const v = myId(c.name);
  switch (family(c.dataType)) {
    case 'binary':
      return `LOWER(HEX(${v}))`;
    case 'date':
      return `DATE_FORMAT(${v}, '%Y-%m-%d')`;
    // MySQL TIMESTAMP is stored in UTC and shown in the session zone, which the reader sets to +00:00.
    case 'datetime':
    case 'datetimetz':
      return `DATE_FORMAT(${v}, '%Y-%m-%d %H:%i:%s.%f')`;
    case 'time':
      return `TIME_FORMAT(${v}, '%H:%i:%s.%f')`;
    default:
      return `CONVERT(${v} USING utf8mb4)`;
  }
}

function postgresValue(c: ColumnInfo): string {
  const v = pgId(c.name);
  switch (family(c.dataType)) {
    case 'binary':
      return `encode(${v}, 'hex')`;
    case 'date':
      return `to_char(${v}, 'YYYY-MM-DD')`;
    case 'datetime':
      return `to_char(${v}, 'YYYY-MM-DD HH24:MI:SS.US')`;
    case 'datetimetz':
      return `to_char(${v} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`;
    case 'time':
      return `to_char(${v}, 'HH24:MI:SS.US')`;
    case 'bool':
      return `(CASE WHEN ${v} THEN '1' ELSE '0' END)`;
    default:
      return `${v}::text`;
  }
}

/** SELECT returning (rows, checksum) for one MySQL/MariaDB table. */
export function mysqlChecksumQuery(schema: string, table: string, columns: ColumnInfo[]): string {
  const parts = columns.map((c) => {
    const v = mysqlValue(c);
    return `IF(${myId(c.name)} IS NULL, '\\\\N', CONCAT(CHAR_LENGTH(${v}), ':', ${v}))`;
  });
  const row = `CONVERT(CONCAT_WS(',', ${parts.join(', ')}) USING utf8mb4)`;
  return `SELECT COUNT(*) AS n, COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(${row}), 1, 15), 16, 10) AS UNSIGNED)), 0) AS s FROM ${myId(schema)}.${myId(table)}`;
}

/** SELECT returning (rows, checksum) for one PostgreSQL table. */
export function postgresChecksumQuery(schema: string, table: string, columns: ColumnInfo[]): string {
  const parts = columns.map((c) => {
    const v = postgresValue(c);
    return `CASE WHEN ${pgId(c.name)} IS NULL THEN '\\N' ELSE length(${v})::text || ':' || ${v} END`;
  });
  const row = `concat_ws(',', ${parts.join(', ')})`;
  return `SELECT count(*)::text AS n, COALESCE(sum(('x' || lpad(substr(md5(${row}), 1, 15), 16, '0'))::bit(64)::bigint::numeric), 0)::text AS s FROM ${pgId(schema)}.${pgId(table)}`;
}
