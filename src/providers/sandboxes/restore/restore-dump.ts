import type { Readable } from 'node:stream';
import type { Dialect } from '../types.js';
import { DumpParser, type DumpItem, type ParseReport } from './dump-parser.js';

/** Where a restore sends what the parser lets through: a database connection as the per-run user. */
export interface RestoreSink {
  /** One statement, as text the driver sends unchanged (mysql: latin1 carrying the dump's bytes). */
  statement(sql: string): Promise<void>;
  copyStart(sql: string): Promise<void>;
  /** COPY rows in UTF-8, each ending with a newline. */
  copyData(rows: Buffer): Promise<void> | void;
  copyEnd(): Promise<void>;
  /** The error a failed statement becomes, naming its line (the server's own message kept). */
  failure(err: unknown, line: number): Error;
}

const LATIN1 = /^(latin1|iso-?8859-?1)$/i;

/**
 * Restores a plain SQL dump by sending its statements over the wire as the sandbox's
 * per-run user: no client program reads the dump, so nothing in it can reach the host.
 */
export async function restoreDump(input: Readable, dialect: Dialect, sink: RestoreSink, opts: { signal?: AbortSignal; maxStatementBytes?: number } = {}): Promise<ParseReport> {
  const parser = new DumpParser(dialect, opts.maxStatementBytes ? { maxStatementBytes: opts.maxStatementBytes } : undefined);
  // mysql statements travel as latin1 so every byte reaches the server as written (raw BLOBs
  // included); PostgreSQL text is decoded from the dump's client encoding and sent as UTF-8.
  const text = (sql: Buffer) => (dialect === 'mysql' || LATIN1.test(parser.report.encoding) ? sql.toString('latin1') : sql.toString('utf8'));
  const rows = (data: Buffer) => (LATIN1.test(parser.report.encoding) ? Buffer.from(data.toString('latin1'), 'utf8') : data);
  let line = 0;
  const apply = async (items: DumpItem[]) => {
    for (const item of items) {
      try {
        if (item.kind === 'sql') {
          line = item.line;
          await sink.statement(text(item.sql));
        } else if (item.kind === 'copy') {
          line = item.line;
          await sink.copyStart(item.sql);
        } else if (item.kind === 'copy-data') await sink.copyData(rows(item.data));
        else await sink.copyEnd();
      } catch (err) {
        throw sink.failure(err, line);
      }
    }
  };
  try {
    for await (const chunk of input) {
      opts.signal?.throwIfAborted();
      await apply(parser.push(chunk as Buffer));
    }
    await apply(parser.end());
  } finally {
    input.destroy();
  }
  return parser.report;
}
