import { Worker } from 'node:worker_threads';

/** What a name in a folder is, from lstat (a link is never followed): 0 a plain file, 1 a symbolic link, 2 anything else. */
export type EntryKind = 0 | 1 | 2;

export interface ScannedDir {
  names: string[];
  /** Per name: [size, mtimeMs, kind] from lstat, or null when it vanished between readdir and lstat. */
  stats: ([number, number, EntryKind] | null)[];
}

export type ScanResult = ScannedDir | { error: string };

// Plain JavaScript, evaluated in the worker: it must not depend on how this file was loaded.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
// Every folder below the region root must be a real folder: a link there would lead the listing out of the region.
const linkOnTheWay = (root, dir) => {
  const rel = path.relative(root, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return 'LINK ' + dir;
  let at = root;
  for (const part of rel ? rel.split(path.sep) : []) {
    at = path.join(at, part);
    const st = fs.lstatSync(at, { throwIfNoEntry: false });
    if (!st) return 'ENOENT';
    if (st.isSymbolicLink()) return 'LINK ' + at;
    if (!st.isDirectory()) return 'NOTDIR ' + at;
  }
  return undefined;
};
parentPort.on('message', ({ id, dirs, roots }) => {
  const out = dirs.map((dir, i) => {
    // One folder's failure (a root that is a file, an entry gone mid-listing) is that folder's answer, never the batch's.
    try {
      const bad = linkOnTheWay(roots[i], dir);
      if (bad) return { error: bad };
      const names = fs.readdirSync(dir);
      const stats = names.map((n) => {
        const st = fs.lstatSync(path.join(dir, n), { throwIfNoEntry: false });
        return st ? [st.size, st.mtimeMs, st.isFile() ? 0 : st.isSymbolicLink() ? 1 : 2] : null;
      });
      return { names, stats };
    } catch (err) { return { error: err.code || String(err) }; }
  });
  parentPort.postMessage({ id, out });
});`;

/**
 * Lists folders and stats their entries on a worker thread with synchronous calls: for a
 * sweep of thousands of folders that costs about what a bare readdir + stat loop costs,
 * about half of going through the thread pool one call at a time, and the main thread
 * (schedules, signals) never waits on the disk.
 */
export function createDirScanner(): { scan(dirs: string[], roots: string[]): Promise<ScanResult[]>; close(): Promise<void> } {
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
    scan(dirs, roots) {
      worker ??= start();
      worker.ref();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, dirs, roots });
      });
    },
    async close() {
      await worker?.terminate();
      worker = undefined;
    },
  };
}
