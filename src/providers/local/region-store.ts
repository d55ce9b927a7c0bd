import { constants as fsConstants, createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { chmod, copyFile, link, mkdir, open, readdir, rm, stat, truncate, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LifeboatError } from '../../domain/index.js';

export interface ObjectInfo {
  key: string;
  size: number;
  mtimeMs: number;
}

export type StorageClass = 'STANDARD' | 'STANDARD_IA' | 'ARCHIVE' | 'DEEP_ARCHIVE';

/**
 * Where copies are written: a region's storage, addressed by key. The local store is a
 * folder; object storage (COS) implements the same calls with multipart uploads for
 * partials, server-side copy, storage classes, and restore (thaw) before reading archives.
 */
export interface RegionStore {
  readonly region: string;
  head(key: string): Promise<ObjectInfo | undefined>;
  read(key: string, opts?: { start?: number; end?: number }): Promise<Readable>;
  /** Bytes already written by an interrupted copy of key (0 when none). */
  partialSize(key: string): Promise<number>;
  readPartial(key: string): Promise<Readable>;
  /** Appends to the partial of key from `offset` (truncating anything past it). */
  openPartial(key: string, offset: number): Promise<WriteStream>;
  /** Makes the partial durable (fsync) before it is verified. */
  syncPartial(key: string): Promise<void>;
  discardPartial(key: string): Promise<void>;
  /** Publishes the verified partial under key, never replacing an object already there. */
  commit(key: string, opts: { mtime: Date; storageClass: StorageClass }): Promise<'committed' | 'exists'>;
  /**
   * Copies key from another store into this store's partial without the bytes passing
   * through lifeboat (copy_file_range or a reflink between folders; a server-side copy
   * between COS buckets). False when these two stores cannot do that.
   */
  copyIntoPartial(from: RegionStore, key: string): Promise<boolean>;
  /** The file behind a key, for stores that are folders. */
  localPath?(key: string): string;
  /** Archive classes must be restored (thawed) before a read; a folder never needs it. */
  needsThaw(key: string): Promise<boolean>;
  list(prefix: string): Promise<ObjectInfo[]>;
}

const PARTIAL_SUFFIX = '.lifeboat-partial';

export function createLocalRegionStore(region: string, root: string): RegionStore {
  const full = (key: string) => {
    const p = path.resolve(root, key);
    if (!p.startsWith(path.resolve(root) + path.sep)) throw new LifeboatError('INTERNAL', `key ${key} escapes region ${region}`);
    return p;
  };
  const partialPath = (key: string) => {
    const p = full(key);
    return path.join(path.dirname(p), `.${path.basename(p)}${PARTIAL_SUFFIX}`);
  };
  const fsync = async (p: string) => {
    const fh = await open(p, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  };
  return {
    region,
    async head(key) {
      try {
        const st = await stat(full(key));
        return { key, size: st.size, mtimeMs: st.mtimeMs };
      } catch {
        return undefined;
      }
    },
    async read(key, opts) {
      return createReadStream(full(key), { start: opts?.start, end: opts?.end, highWaterMark: 1 << 20 });
    },
    async partialSize(key) {
      try {
        return (await stat(partialPath(key))).size;
      } catch {
        return 0;
      }
    },
    async readPartial(key) {
      return createReadStream(partialPath(key), { highWaterMark: 1 << 20 });
    },
    async openPartial(key, offset) {
      const p = partialPath(key);
      await mkdir(path.dirname(p), { recursive: true });
      if (offset === 0) return createWriteStream(p, { flags: 'w', highWaterMark: 1 << 20 });
      await truncate(p, offset);
      return createWriteStream(p, { flags: 'r+', start: offset, highWaterMark: 1 << 20 });
    },
    syncPartial: (key) => fsync(partialPath(key)),
    discardPartial: (key) => rm(partialPath(key), { force: true }),
    async commit(key, opts) {
      const p = partialPath(key);
      const final = full(key);
      // link() never replaces an existing name: write-once even against a racing writer.
      try {
        await link(p, final);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
        throw err;
      }
      await unlink(p);
      await utimes(final, opts.mtime, opts.mtime);
      await chmod(final, 0o444);
      await fsync(path.dirname(final));
      return 'committed';
    },
    async needsThaw() {
      return false;
    },
    async copyIntoPartial(from, key) {
      if (!from.localPath) return false;
      const p = partialPath(key);
      await mkdir(path.dirname(p), { recursive: true });
      // A reflink where the filesystem offers one (as cp does), a kernel-side copy otherwise.
      await copyFile(from.localPath(key), p, fsConstants.COPYFILE_FICLONE);
      return true;
    },
    localPath: (key) => full(key),
    async list(prefix) {
      const dir = full(prefix);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return [];
      }
      const out: ObjectInfo[] = [];
      for (const n of names) {
        if (n.endsWith(PARTIAL_SUFFIX)) continue;
        const st = await stat(path.join(dir, n)).catch(() => undefined);
        if (st?.isFile()) out.push({ key: path.posix.join(prefix, n), size: st.size, mtimeMs: st.mtimeMs });
      }
      return out;
    },
  };
}
