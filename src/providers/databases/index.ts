import { createMysqlReader } from './mysql-reader.js';
import { createPostgresReader } from './postgres-reader.js';
import type { DatabaseReader, Dsn } from './types.js';

export type { DatabaseReader, DatabaseSnapshot, Dsn } from './types.js';
export { parseDsn } from './dsn.js';

export function createDatabaseReader(dsn: Dsn): DatabaseReader {
  return dsn.engine === 'mysql' ? createMysqlReader(dsn) : createPostgresReader(dsn);
}
export { CHECKSUM_ALGORITHM, mysqlChecksumQuery, postgresChecksumQuery, type ColumnInfo } from './canonical-checksum.js';
export { writeCanary, canarySetupSql, DEFAULT_CANARY_TABLE, type CanaryTarget } from './canary.js';
export { openPGlite } from './load-pglite.js';
export { mysqlIdentity, postgresIdentity } from './server-identity.js';
