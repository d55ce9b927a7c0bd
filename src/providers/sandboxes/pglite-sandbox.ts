import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';
import { openPGlite } from '../databases/load-pglite.js';
import { LifeboatError } from '../../domain/index.js';
import { SqlGuardFilter } from './sql-guard-filter.js';
import { SqlLineScanner } from './sql-line-scanner.js';
import type { Lease, SandboxProvider, SandboxTarget } from './types.js';

/** COPY data is handed to PGlite in batches of about this many bytes, so memory stays flat. */
const COPY_BATCH_BYTES = 4 << 20;

/**
 * Embedded PostgreSQL (PGlite) as a sandbox: no server, in memory or in a folder under
 * the state directory. pg_dump's plain SQL is replayed statement by statement; COPY
 * blocks are fed in batches through PGlite's /dev/blob.
 */
export function createPgliteSandbox(opts: { dataRoot?: string } = {}): SandboxProvider {
  const open = new Map<string, PGlite>();
  const dirOf = (lease: Lease) => (opts.dataRoot ? path.join(opts.dataRoot, lease.id) : undefined);
  const instance = async (lease: Lease) => {
    let db = open.get(lease.id);
    if (!db) {
      const dir = dirOf(lease);
      db = await openPGlite(dir);
      open.set(lease.id, db);
    }
    return db;
  };

  return {
    kind: 'pglite',
    engine: 'postgres',
    async probe() {
      return [];
    },
    async create(lease) {
      await instance(lease);
    },
    async open(lease) {
      const db = await instance(lease);
      await db.exec("SET TIME ZONE 'UTC'");
      const target: SandboxTarget = {
        engine: 'postgres',
        async restoreSql(sql: Readable, signal?: AbortSignal) {
          const filter = new SqlGuardFilter('postgres');
          await replay(db, sql.pipe(filter), signal);
          return { filtered: filter.report.dropped, tool: 'pglite' };
        },
        async query<T>(text: string) {
          return (await db.query<T>(text)).rows;
        },
        // The instance lives until destroy: checks and scoring query it after the restore.
        close: async () => undefined,
      };
      return target;
    },
    async destroy(lease) {
      const db = open.get(lease.id);
      open.delete(lease.id);
      await db?.close().catch(() => undefined);
      const dir = dirOf(lease) ?? lease.dataDir;
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Replays plain pg_dump SQL: statements one by one, COPY … FROM stdin through a blob per batch. */
async function replay(db: PGlite, text: Readable, signal?: AbortSignal): Promise<void> {
  const scanner = new SqlLineScanner('postgres');
  let statement: string[] = [];
  let copy: { sql: string; rows: string[]; bytes: number } | undefined;
  let lineNo = 0;

  const flushCopy = async () => {
    if (!copy || copy.rows.length === 0) return;
    const blob = new Blob([copy.rows.join('\n') + '\n']);
    copy.rows = [];
    copy.bytes = 0;
    await db.query(copy.sql, [], { blob });
  };

  for await (const line of createInterface({ input: text, crlfDelay: Infinity })) {
    lineNo++;
    signal?.throwIfAborted();
    if (copy) {
      if (line === '\\.') {
        await flushCopy();
        copy = undefined;
        continue;
      }
      copy.rows.push(line);
      copy.bytes += line.length + 1;
      if (copy.bytes >= COPY_BATCH_BYTES) await flushCopy();
      continue;
    }
    if (scanner.atStatementStart && line.trimStart().startsWith('\\')) continue;
    const copyHead = scanner.atStatementStart ? /^COPY\s+(.+?)\s+FROM\s+stdin;\s*$/i.exec(line) : null;
    if (copyHead) {
      copy = { sql: `COPY ${copyHead[1]} FROM '/dev/blob'`, rows: [], bytes: 0 };
      continue;
    }
    statement.push(line);
    if (scanner.scan(line) && !scanner.inStatement && scanner.quote === null) {
      const sql = statement.join('\n');
      statement = [];
      try {
        await db.exec(sql);
      } catch (err) {
        throw new LifeboatError('DUMP_UNPARSEABLE', `restore failed near line ${lineNo}: ${(err as Error).message}`, { cause: err, retryable: false });
      }
    }
  }
  if (copy) throw new LifeboatError('DUMP_UNPARSEABLE', `the dump ends inside a COPY block (line ${lineNo}): truncated?`, { retryable: false });
  const rest = statement.join('\n').trim();
  if (rest && !/^(--.*\s*)*$/.test(rest)) throw new LifeboatError('DUMP_UNPARSEABLE', `the dump ends inside a statement (line ${lineNo}): truncated?`, { retryable: false });
}
