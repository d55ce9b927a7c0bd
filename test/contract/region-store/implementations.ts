import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createLocalRegionStore, type PutOptions, type RegionStore } from '../../../src/providers/index.js';

/** Two regions of one kind of storage, fresh and empty, and the ways the suite reaches into them. */
export interface Place {
  a: RegionStore;
  b: RegionStore;
  /** Writes an object the fast way, behind the store's back (thousands of keys for the listing tests). */
  seed(store: RegionStore, key: string, bytes: Buffer | string): Promise<void>;
}

export interface Implementation {
  open(): Promise<Place>;
  /** Objects written with ARCHIVE or DEEP_ARCHIVE are archived (need a thaw before open). */
  archivesColdClasses: boolean;
  /** Whether the store has object lock (retention): one without says so by having no retention methods. */
  objectLock: boolean;
  /** Removes every place opened so far: after each test, and once more after the file. */
  cleanup(): Promise<void>;
}

/**
 * Folders under a temp directory. A COS implementation plugs in beside it: two buckets on
 * the Tencent COS emulator (src/emulators/tencent/, to come), seeded with putObject, emptied in cleanup.
 */
export function localImplementation(): Implementation {
  const made: string[] = [];
  return {
    archivesColdClasses: false,
    // Mode bits are not a lock (the owner can change them): a local region has no retention.
    objectLock: false,
    async open() {
      const dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-region-contract-'));
      made.push(dir);
      return {
        a: createLocalRegionStore('ra', path.join(dir, 'ra')),
        b: createLocalRegionStore('rb', path.join(dir, 'rb')),
        async seed(store, key, bytes) {
          const file = path.join(dir, store.region, ...key.split('/'));
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, bytes);
        },
      };
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** putIfAbsent with the whole body at once. */
export async function put(store: RegionStore, key: string, bytes: Buffer | string, opts?: PutOptions): Promise<void> {
  await pipeline(Readable.from([Buffer.from(bytes)]), await store.putIfAbsent(key, opts));
}

export async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Keys in the order object stores list them: by UTF-8 bytes. */
export const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
