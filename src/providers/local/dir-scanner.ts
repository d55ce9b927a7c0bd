import { Worker } from 'node:worker_threads';

export interface ScannedDir {
  names: string[];
  /** Per name: [size, mtimeMs, isFile], or null when it vanished between readdir and stat. */
  stats: ([number, number, boolean] | null)[];
}

export type ScanResult = ScannedDir | { error: string };

// Plain JavaScript, evaluated in the worker: it must not depend on how this file was loaded.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
parentPort.on('message', ({ id, dirs }) => {
  const out = dirs.map((dir) => {
    let names;
    try { names = fs.readdirSync(dir); } catch (err) { return { error: err.code || String(err) }; }
    const stats = names.map((n) => {
      const st = fs.statSync(path.join(dir, n), { throwIfNoEntry: false });
      return st ? [st.size, st.mtimeMs, st.isFile()] : null;
    });
    return { names, stats };
  });
  parentPort.postMessage({ id, out });
});`;

/**
 * Lists folders and stats their entries on a worker thread with synchronous calls: for a
 * sweep of thousands of folders that costs about what a bare readdir + stat loop costs,
 * about half of going through the thread pool one call at a time, and the main thread
 * (schedules, signals) never waits on the disk.
 */
export function createDirScanner(): { scan(dirs: string[]): Promise<ScanResult[]>; close(): Promise<void> } {
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: ScanResult[]) => void; reject: (e: Error) => void }>();
  const start = () => {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on('message', ({ id, out }: { id: number; out: ScanResult[] }) => {
      pending.get(id)?.resolve(out);
      pending.delete(id);
      // Idle, the worker must not keep the process alive (a CLI run ends when its work does).
      if (pending.size === 0) w.unref();
    });
    w.on('error', (err) => {
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      worker = undefined;
    });
    return w;
  };
  return {
    scan(dirs) {
      worker ??= start();
      worker.ref();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, dirs });
      });
    },
    async close() {
      await worker?.terminate();
      worker = undefined;
    },
  };
}
