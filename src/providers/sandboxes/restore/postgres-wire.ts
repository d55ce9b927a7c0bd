import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { LifeboatError, messageOf } from '../../../domain/index.js';
import type { RestoreStats } from '../types.js';
import { restoreDump, type RestoreSink } from './restore-dump.js';

type CopyStream = ReturnType<typeof copyFrom>;

/**
 * Restores a plain pg_dump into the sandbox database over the PostgreSQL protocol as the
 * per-run role: statements one at a time through the extended protocol (so one query can
 * never carry a second statement), COPY … FROM stdin through the COPY sub-protocol. No psql
 * runs, so meta-commands do not exist here; the role has no superuser,
 * pg_read_server_files or pg_execute_server_program, so server-side COPY to or from a file
 * or program is refused by the server too.
 */
export async function restoreOverPostgres(login: pg.ClientConfig, input: Readable, signal?: AbortSignal): Promise<RestoreStats> {
  const client = new pg.Client({ ...login, application_name: 'lifeboat restore' });
  // A server error mid-COPY or a terminated session arrives as an event too; the pending query reports it.
  client.on('error', () => undefined);
  await client.connect().catch((err: Error) => {
    throw new LifeboatError('DATABASE_UNREACHABLE', `sandbox server ${login.host}:${login.port}: ${err.message}`, { cause: err });
  });
  let copy: { stream: CopyStream; error?: Error } | undefined;
  const onAbort = () => {
    copy?.stream.destroy();
    void client.end().catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const sink: RestoreSink = {
    statement: async (sql) => {
      // queryMode is in pg 8.12+ but not yet in @types/pg.
      await client.query({ text: sql, queryMode: 'extended' } as pg.QueryConfig);
    },
    copyStart: async (sql) => {
      const stream = client.query(copyFrom(sql));
      const c: { stream: CopyStream; error?: Error } = { stream };
      stream.on('error', (err) => (c.error = err));
      copy = c;
    },
    copyData: async (rows) => {
      if (copy!.error) throw copy!.error;
      if (!copy!.stream.write(rows)) await once(copy!.stream, 'drain');
    },
    copyEnd: async () => {
      const c = copy!;
      copy = undefined;
      if (c.error) throw c.error;
      c.stream.end();
      await finished(c.stream);
    },
    failure: (err, line) => {
      const e = err as { code?: string; message?: string; where?: string };
      if (!e.code || /^(08|57P)/.test(e.code)) return new LifeboatError('DATABASE_UNREACHABLE', `restore lost the sandbox server at line ${line}: ${messageOf(err)}`, { cause: err });
      return new LifeboatError('RESTORE_FAILED', `ERROR ${e.code} at line ${line}: ${e.message}${e.where ? ` (${e.where.split('\n')[0]})` : ''}`, { cause: err });
    },
  };
  try {
    const report = await restoreDump(input, 'postgres', sink, { signal });
    return { skipped: report.skipped, skippedByReason: report.skippedByReason, statements: report.statements, database: report.database, tool: 'postgres protocol' };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    copy?.stream.destroy();
    await client.end().catch(() => undefined);
  }
}
