import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** An embedded PostgreSQL on a thread of its own, so a dump cannot stall lifeboat. */
export interface PgliteThread {
  query<T>(sql: string, opts?: { blob?: Uint8Array }): Promise<T[]>;
  close(): Promise<void>;
  /** Ends the thread at once, whatever it is running: pending calls fail. */
  terminate(): Promise<void>;
}

// Plain JavaScript, evaluated in the worker: it must not depend on how this file was loaded.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.module);
const ready = workerData.dataDir ? PGlite.create(workerData.dataDir) : PGlite.create();
parentPort.on('message', async (m) => {
  try {
    const db = await ready;
    if (m.op === 'close') {
      await db.close();
      parentPort.postMessage({ id: m.id, rows: [] });
      return;
    }
    const r = await db.query(m.sql, [], m.blob ? { blob: new Blob([m.blob]) } : undefined);
    parentPort.postMessage({ id: m.id, rows: r.rows });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: { message: String(err && err.message || err), code: err && err.code } });
  }
});
`;

/**
 * Starts PGlite on a worker thread. PGlite runs the database in the calling thread, so a
 * restored SELECT pg_sleep(1e9) or an endless DO loop would otherwise block lifeboat's
 * event loop: no drill timeout, no heartbeat, no other drill. Here the thread is simply
 * terminated. One query at a time, in order, as PGlite itself works.
 */
export function startPgliteThread(dataDir?: string): PgliteThread {
  const module = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, dataDir } });
  const pending = new Map<number, { resolve(rows: unknown[]): void; reject(err: Error): void }>();
  let next = 0;
  let dead: Error | undefined;
  const failAll = (err: Error) => {
    dead ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (m: { id: number; rows?: unknown[]; error?: { message: string; code?: string } }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
    else p.resolve(m.rows ?? []);
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', () => failAll(new Error('the PGlite thread ended')));
  const call = <T>(msg: { op: 'query' | 'close'; sql?: string; blob?: Uint8Array }): Promise<T[]> => {
    if (dead) return Promise.reject(dead);
    const id = next++;
    return new Promise<T[]>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      const transfer = msg.blob ? [msg.blob.buffer as ArrayBuffer] : [];
      worker.postMessage({ id, ...msg }, transfer);
    });
  };
  return {
    query: (sql, opts) => call({ op: 'query', sql, blob: opts?.blob }),
    async close() {
      if (!dead) await call({ op: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
    async terminate() {
      failAll(new Error('the PGlite thread was stopped'));
      await worker.terminate();
    },
  };
}
