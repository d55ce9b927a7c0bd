import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { startPgliteThread, type PgliteThread } from './pglite-thread.js';
import { replayIntoPglite } from './restore/pglite-replay.js';
import type { Lease, SandboxProvider, SandboxTarget } from './types.js';

/** How long a closing PGlite thread may take to flush before it is ended. */
const CLOSE_WAIT_MS = 2_000;

/**
 * Embedded PostgreSQL (PGlite) as a sandbox: no server, in memory or in a folder under
 * the state directory, on a thread of its own that a drill's timeout can end. pg_dump's plain SQL is replayed statement by statement under the
 * same restore rules as the server sandboxes; COPY blocks go in batches through /dev/blob.
 */
export function createPgliteSandbox(opts: { dataRoot?: string } = {}): SandboxProvider {
  const open = new Map<string, PgliteThread>();
  const dirOf = (lease: Lease) => (opts.dataRoot ? path.join(opts.dataRoot, lease.id) : undefined);
  const instance = async (lease: Lease) => {
    let db = open.get(lease.id);
    if (!db) {
      // PGlite makes its own folder but not the ones above it.
      if (opts.dataRoot) await mkdir(opts.dataRoot, { recursive: true });
      db = startPgliteThread(dirOf(lease));
      open.set(lease.id, db);
    }
    return db;
  };

  return {
    kind: 'pglite',
    engine: 'postgres',
    // In memory, the database ends with the process: only one in a folder can be kept for debugging.
    keepable: !!opts.dataRoot,
    async probe() {
      return [];
    },
    async create(lease) {
      await instance(lease);
    },
    async open(lease) {
      const db = await instance(lease);
      await db.query("SET TIME ZONE 'UTC'");
      const target: SandboxTarget = {
        engine: 'postgres',
        restoreSql: (sql: Readable, signal?: AbortSignal) => replayIntoPglite(db, sql, signal),
        query: <T>(text: string) => db.query<T>(text),
        // Called at teardown, after checks and scoring: the thread ends (a kept folder is flushed and
        // left for debugging; destroy removes it otherwise), so nothing holds the process open.
        close: async () => {
          if (open.get(lease.id) !== db) return;
          open.delete(lease.id);
          // A thread still busy with the dump (an endless loop) never answers a close: it is ended instead.
          let timer: NodeJS.Timeout | undefined;
          const busy = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
          await Promise.race([db.close(), busy]);
          clearTimeout(timer);
          await db.terminate();
        },
      };
      return target;
    },
    async destroy(lease) {
      const db = open.get(lease.id);
      open.delete(lease.id);
      // A thread still busy with the dump (an endless loop) is ended, not waited for.
      await db?.terminate().catch(() => undefined);
      const dir = dirOf(lease) ?? lease.dataDir;
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
