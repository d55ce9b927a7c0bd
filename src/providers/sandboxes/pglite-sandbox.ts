import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { startPgliteThread, type PgliteThread } from './pglite-thread.js';
import { replayIntoPglite } from './restore/pglite-replay.js';
import type { Lease, SandboxProvider, SandboxTarget } from './types.js';

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
      db = startPgliteThread(dirOf(lease));
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
      await db.query("SET TIME ZONE 'UTC'");
      const target: SandboxTarget = {
        engine: 'postgres',
        restoreSql: (sql: Readable, signal?: AbortSignal) => replayIntoPglite(db, sql, signal),
        query: <T>(text: string) => db.query<T>(text),
        // The instance lives until destroy: checks and scoring query it after the restore.
        close: async () => undefined,
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
