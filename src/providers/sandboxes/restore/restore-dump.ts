import type { Readable } from 'node:stream';
import type { Dialect } from './restore-types.js';
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
const PIPELINE = 2;

/**
 * Restores a plain SQL dump by sending its statements over the wire as the sandbox's
 * per-run user: no client program reads the dump, so nothing in it can reach the host.
 */
export async function restoreDump(input: Readable, dialect: Dialect, sink: RestoreSink, opts: { signal?: AbortSignal; maxStatementBytes?: number } = {}): Promise<ParseReport> {
  const parser = new DumpParser(dialect, opts.maxStatementBytes ? { maxStatementBytes: opts.maxStatementBytes } : undefined);
  // mysql statements travel as latin1 so every byte reaches the server as written (raw BLOBs
  // included); PostgreSQL text is decoded from the dump's client encoding and sent as UTF-8.
  const text = (sql: string) => (dialect === 'mysql' || LATIN1.test(parser.report.encoding) ? sql : Buffer.from(sql, 'latin1').toString('utf8'));
  const rows = (data: Buffer) => (LATIN1.test(parser.report.encoding) ? Buffer.from(data.toString('latin1'), 'utf8') : data);
  // Up to PIPELINE statements are handed to the driver at once: it sends each after the
  // previous one's answer, while this loop parses what follows, so parsing overlaps the
  // server's work. A statement queued behind one that fails may still run: in the sandbox
  // only, and the drill fails on the first error by line.
  const inflight: { done: Promise<unknown>; line: number }[] = [];
  let failed: Error | undefined;
  const settle = async (keep: number) => {
    while (inflight.length > keep) {
      const { done, line } = inflight.shift()!;
      try {
        await done;
      } catch (err) {
        failed ??= sink.failure(err, line);
      }
      if (failed) throw failed;
    }
  };
  const guarded = async (line: number, fn: () => Promise<void> | void) => {
    try {
      await fn();
    } catch (err) {
      throw sink.failure(err, line);
    }
  };
  let copyLine = 0;
  const apply = async (items: DumpItem[]) => {
    for (const item of items) {
      if (item.kind === 'sql') {
        const done = sink.statement(text(item.sql));
        done.catch(() => undefined);
        inflight.push({ done, line: item.line });
        await settle(PIPELINE - 1);
      } else if (item.kind === 'copy') {
        await settle(0);
        copyLine = item.line;
        await guarded(copyLine, () => sink.copyStart(item.sql));
      } else if (item.kind === 'copy-data') await guarded(copyLine, () => sink.copyData(rows(item.data)));
      else await guarded(copyLine, () => sink.copyEnd());
    }
  };
  try {
    for await (const chunk of input) {
      opts.signal?.throwIfAborted();
      await apply(parser.push(chunk as Buffer));
    }
    await apply(parser.end());
    await settle(0);
  } finally {
    input.destroy();
  }
  return parser.report;
}
