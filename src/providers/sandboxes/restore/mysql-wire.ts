import mysql from 'mysql2/promise';
import { Readable } from 'node:stream';
import { LifeboatError, messageOf } from '../../../domain/index.js';
import type { RestoreStats, ServerLogin } from '../types.js';
import { restoreDump, type RestoreSink } from './restore-dump.js';

/** The server asked for a client file (LOAD DATA LOCAL): the answer is always no. */
const noLocalFiles = () =>
  new Readable({
    read() {
      this.destroy(new Error('LOAD DATA LOCAL is refused: a restore never reads host files'));
    },
  });

/**
 * Restores a mysqldump into the sandbox database over the MySQL protocol as the per-run
 * user. No mysql client runs, so its commands (\!, system, source, tee) do not exist here;
 * LOCAL INFILE is off in the handshake and refused if asked for anyway; one statement
 * per query (no multi-statements).
 */
export async function restoreOverMysql(login: ServerLogin & { database: string }, input: Readable, signal?: AbortSignal): Promise<RestoreStats> {
  const conn = await mysql
    .createConnection({
      ...login,
      // The handshake's charset is only how the driver encodes query text: binary writes each
      // latin1 character as its byte, so the dump's bytes arrive as written. SET NAMES below
      // tells the server how to read them, as `mysql --default-character-set=utf8mb4` did;
      // without session tracking the driver does not follow SET NAMES and re-encode as UTF-8.
      charset: 'BINARY',
      multipleStatements: false,
      flags: ['-LOCAL_FILES', '-MULTI_STATEMENTS', '-SESSION_TRACK'],
      infileStreamFactory: noLocalFiles,
      // The dump's text goes out as written: a dump has no placeholders, and the driver's pass
      // looking for them scanned every statement (a fifth of the restore's CPU).
      queryFormat: (sql: string) => sql,
    })
    .catch((err: Error) => {
      throw new LifeboatError('DATABASE_UNREACHABLE', `sandbox server ${login.host}:${login.port}: ${err.message}`, { cause: err });
    });
  const onAbort = () => conn.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  const noCopy = () => Promise.reject(new Error('COPY is not MySQL'));
  const sink: RestoreSink = {
    statement: async (sql) => {
      await conn.query(sql);
    },
    copyStart: noCopy,
    copyData: noCopy,
    copyEnd: noCopy,
    failure: (err, line) => {
      const e = err as { errno?: number; sqlState?: string; sqlMessage?: string; fatal?: boolean };
      if (e.fatal || !e.errno) return new LifeboatError('DATABASE_UNREACHABLE', `restore lost the sandbox server at line ${line}: ${messageOf(err)}`, { cause: err });
      // The mysql client's own wording, so a person recognises it.
      return new LifeboatError('RESTORE_FAILED', `ERROR ${e.errno} (${e.sqlState}) at line ${line}: ${e.sqlMessage ?? messageOf(err)}`, { cause: err });
    },
  };
  try {
    await conn.query('SET NAMES utf8mb4');
    const report = await restoreDump(input, 'mysql', sink, { signal });
    return { skipped: report.skipped, skippedByReason: report.skippedByReason, statements: report.statements, database: report.database, tool: 'mysql protocol' };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await conn.end().catch(() => conn.destroy());
  }
}
