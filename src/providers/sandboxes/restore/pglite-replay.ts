import type { Readable } from 'node:stream';
import { LifeboatError, messageOf } from '../../../domain/index.js';
import type { PgliteThread } from '../pglite-thread.js';
import type { RestoreStats } from '../types.js';
import { restoreDump, type RestoreSink } from './restore-dump.js';

/** COPY data is handed to PGlite in batches of about this many bytes, so memory stays flat. */
const COPY_BATCH_BYTES = 4 << 20;

/** Restores a plain pg_dump into an embedded PGlite database: statements one by one, COPY rows in batches through /dev/blob. */
export async function replayIntoPglite(db: PgliteThread, input: Readable, signal?: AbortSignal): Promise<RestoreStats> {
  let copy: { sql: string; rows: Buffer[]; bytes: number } | undefined;
  const flush = async () => {
    if (!copy || copy.bytes === 0) return;
    const blob = new Uint8Array(copy.bytes);
    let at = 0;
    for (const r of copy.rows) {
      blob.set(r, at);
      at += r.length;
    }
    copy.rows = [];
    copy.bytes = 0;
    await db.query(copy.sql, { blob });
  };
  const sink: RestoreSink = {
    // query, not exec: one statement per call (the extended protocol), as on a server.
    statement: async (sql) => {
      await db.query(sql);
    },
    copyStart: async (sql) => {
      copy = { sql: sql.replace(/\s+FROM\s+stdin\s*;?\s*$/i, " FROM '/dev/blob'"), rows: [], bytes: 0 };
    },
    copyData: async (rows) => {
      copy!.rows.push(rows);
      copy!.bytes += rows.length;
      if (copy!.bytes >= COPY_BATCH_BYTES) await flush();
    },
    copyEnd: async () => {
      await flush();
      copy = undefined;
    },
    failure: (err, line) => {
      const code = (err as { code?: string }).code;
      return new LifeboatError('RESTORE_FAILED', `ERROR${code ? ` ${code}` : ''} at line ${line}: ${messageOf(err)}`, { cause: err });
    },
  };
  // A statement that never ends (pg_sleep, an endless loop) is stopped with its thread.
  const onAbort = () => void db.terminate();
  signal?.addEventListener('abort', onAbort, { once: true });
  const report = await restoreDump(input, 'postgres', sink, { signal }).finally(() => signal?.removeEventListener('abort', onAbort));
  return { skipped: report.skipped, skippedByReason: report.skippedByReason, statements: report.statements, database: report.database, tool: 'pglite' };
}
