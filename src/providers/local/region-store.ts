import { constants as C, type WriteStream } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LifeboatError } from '../../domain/index.js';
import { checkFolders, inside, linkRefused, openNoFollow, pathOfFd, realRoot } from './safe-fs.js';

export interface ObjectInfo {
  key: string;
  size: number;
  mtimeMs: number;
  /** Set when the name holds something that is not a plain file (a link, a folder): never read, never replaced. */
  notFile?: string;
  /** A plain file that is still writable: a copy is read-only once published. */
  writable?: boolean;
}

export type StorageClass = 'STANDARD' | 'STANDARD_IA' | 'ARCHIVE' | 'DEEP_ARCHIVE';

/** A partial found beside (or instead of) its final name: what an interrupted publish leaves. */
export interface Leftover {
  key: string;
  /** same: the final name is already the partial's file (killed between link and unlink); other: it holds another file; none: nothing yet (resumable). */
  final: 'same' | 'other' | 'none';
}

/**
 * Where copies are written: a region's storage, addressed by key. The local store is a
 * folder; object storage (COS) implements the same calls with multipart uploads for
 * partials, server-side copy, storage classes, and restore (thaw) before reading archives.
 * A local store never follows a link and never leaves its root.
 */
export interface RegionStore {
  readonly region: string;
  head(key: string): Promise<ObjectInfo | undefined>;
  read(key: string, opts?: { start?: number; end?: number }): Promise<Readable>;
  /** Bytes already written by an interrupted copy of key (0 when none). */
  partialSize(key: string): Promise<number>;
  readPartial(key: string): Promise<Readable>;
  /** Appends to the partial of key from `offset` (truncating anything past it); from 0, a new file created exclusively. */
  openPartial(key: string, offset: number): Promise<WriteStream>;
  /** Makes the partial durable (fsync) before it is verified. */
  syncPartial(key: string): Promise<void>;
  discardPartial(key: string): Promise<void>;
  /** Publishes the verified partial under key (read-only first), never replacing an object already there. */
  commit(key: string, opts: { mtime: Date; storageClass: StorageClass }): Promise<'committed' | 'exists'>;
  /**
   * Copies key from another store into this store's partial without the bytes passing
   * through lifeboat (copy_file_range or a reflink between folders; a server-side copy
   * between COS buckets). False when these two stores cannot do that.
   */
  copyIntoPartial(from: RegionStore, key: string): Promise<boolean>;
  /** For stores that are folders: the file behind a key, opened without following links. */
  openLocal?(key: string): Promise<FileHandle>;
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Partials left in the folder of prefix by interrupted copies. */
  leftovers(prefix: string): Promise<Leftover[]>;
  /** Finishes a publish: the final made read-only, and a partial that is the same file removed. */
  seal(key: string): Promise<void>;
}

const PARTIAL_SUFFIX = '.lifeboat-partial';

export function createLocalRegionStore(region: string, root: string): RegionStore {
  /** Partials this process created or opened, by key: commit publishes only the very file that was written. */
  const owned = new Map<string, string>();
  const idOf = (st: { dev: number; ino: number }) => `${st.dev}:${st.ino}`;
  const base = () => realRoot(root);
  const full = async (key: string) => inside(await base(), key);
  const partialOf = (p: string) => path.join(path.dirname(p), `.${path.basename(p)}${PARTIAL_SUFFIX}`);
  const partialPath = async (key: string) => partialOf(await full(key));
  /** The folder of a file exists and is real all the way from the root (created on the way when asked). */
  const folderOk = async (file: string, create = false) => {
    if (create) await mkdir(path.resolve(root), { recursive: true });
    return checkFolders(await base(), path.dirname(file), { create });
  };
  const lstatIn = async (file: string) => ((await folderOk(file)) ? lstat(file).catch(() => undefined) : undefined);
  const withFile = async <T>(file: string, flags: number, fn: (fh: FileHandle) => Promise<T>): Promise<T> => {
    const fh = await openNoFollow(file, flags);
    try {
      return await fn(fh);
    } finally {
      await fh.close();
    }
  };
  const fsyncDir = async (dir: string) => withFile(dir, C.O_RDONLY | C.O_DIRECTORY, (fh) => fh.sync());
  const readStream = async (file: string, opts?: { start?: number; end?: number }) => (await openNoFollow(file, C.O_RDONLY)).createReadStream({ start: opts?.start, end: opts?.end, highWaterMark: 1 << 20 });
  /** A fresh partial, created exclusively: whatever had its name (a stale partial, a planted link) is unlinked first, never followed. */
  const createPartial = async (key: string) => {
    const p = await partialPath(key);
    await folderOk(p, true);
    await unlink(p).catch(() => undefined);
    const fh = await openNoFollow(p, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o600);
    owned.set(key, idOf(await fh.stat()));
    return fh;
  };
  const info = (key: string, st: Awaited<ReturnType<typeof lstat>>): ObjectInfo => ({
    key,
    size: Number(st.size),
    mtimeMs: Number(st.mtimeMs),
    notFile: st.isSymbolicLink() ? 'is a symbolic link' : st.isFile() ? undefined : 'is not a plain file',
    writable: st.isFile() && (Number(st.mode) & 0o222) !== 0,
  });

  return {
    region,
    async head(key) {
      const st = await lstatIn(await full(key));
      return st && info(key, st);
    },
    async read(key, opts) {
      const file = await full(key);
      if (!(await folderOk(file))) throw new LifeboatError('BACKUP_UNREADABLE', `${key} is not in region ${region}`);
      return readStream(file, opts);
    },
    async partialSize(key) {
      const st = await lstatIn(await partialPath(key));
      // Only a plain file of its own can be resumed; anything else is replaced by a fresh partial.
      return st?.isFile() && st.nlink === 1 ? st.size : 0;
    },
    async readPartial(key) {
      const fh = await openNoFollow(await partialPath(key), C.O_RDONLY);
      const id = owned.get(key);
      if (id && id !== idOf(await fh.stat())) {
        await fh.close();
        throw new LifeboatError('BACKUP_UNREADABLE', `the partial of ${key} in region ${region} was replaced during the copy`);
      }
      return fh.createReadStream({ highWaterMark: 1 << 20 });
    },
    async openPartial(key, offset) {
      if (offset === 0) return (await createPartial(key)).createWriteStream({ highWaterMark: 1 << 20 });
      const p = await partialPath(key);
      if (!(await folderOk(p))) throw new LifeboatError('BACKUP_UNREADABLE', `no partial of ${key} to resume in region ${region}`);
      const fh = await openNoFollow(p, C.O_WRONLY);
      const st = await fh.stat();
      if (!st.isFile() || st.nlink !== 1) {
        await fh.close();
        throw linkRefused(p, 'is not a plain file of its own');
      }
      owned.set(key, idOf(st));
      await fh.truncate(offset);
      return fh.createWriteStream({ start: offset, highWaterMark: 1 << 20 });
    },
    syncPartial: async (key) => withFile(await partialPath(key), C.O_RDONLY, (fh) => fh.sync()),
    async discardPartial(key) {
      const p = await partialPath(key);
      owned.delete(key);
      // unlink removes a link itself, never what it points to.
      if (await folderOk(p)) await unlink(p).catch(() => undefined);
    },
    async commit(key, opts) {
      const p = await partialPath(key);
      const final = await full(key);
      if (!(await folderOk(final))) throw new LifeboatError('BACKUP_UNREADABLE', `nothing to publish for ${key} in region ${region}`);
      return withFile(p, C.O_RDONLY, async (fh) => {
        const st = await fh.stat();
        if (!st.isFile() || st.nlink !== 1 || (owned.has(key) && owned.get(key) !== idOf(st))) {
          throw new LifeboatError('BACKUP_UNREADABLE', `the partial of ${key} in region ${region} is not the file that was verified: not published`);
        }
        // Read-only and dated before it has its final name: a kill after link() leaves a finished copy. (The bytes
        // were fsynced before they were verified; the journal orders this metadata before the link and the folder's fsync.)
        await fh.utimes(opts.mtime, opts.mtime);
        await fh.chmod(0o444);
        // link() never replaces an existing name (nor follows the partial): write-once even against a racing writer.
        try {
          await link(p, final);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists' as const;
          throw err;
        }
        await unlink(p);
        owned.delete(key);
        await fsyncDir(path.dirname(final));
        return 'committed' as const;
      });
    },
    async copyIntoPartial(from, key) {
      if (!from.openLocal) return false;
      const src = await from.openLocal(key);
      try {
        const dst = await createPartial(key);
        try {
          const [s, d] = await Promise.all([pathOfFd(src), pathOfFd(dst)]);
          if (!s || !d) return false;
          // A reflink where the filesystem offers one (as cp does), a kernel-side copy otherwise,
          // between the two descriptors already proven to be the right files (no path is looked up again).
          await copyFile(`/proc/self/fd/${src.fd}`, `/proc/self/fd/${dst.fd}`, C.COPYFILE_FICLONE);
          return true;
        } finally {
          await dst.close();
        }
      } finally {
        await src.close();
      }
    },
    async openLocal(key) {
      const file = await full(key);
      if (!(await folderOk(file))) throw new LifeboatError('BACKUP_UNREADABLE', `${key} is not in region ${region}`);
      return openNoFollow(file, C.O_RDONLY);
    },
    async list(prefix) {
      const dir = inside(await base(), prefix, { allowRoot: true });
      if (!(await checkFolders(await base(), dir).catch(() => false))) return [];
      const names = await readdir(dir).catch(() => [] as string[]);
      const out: ObjectInfo[] = [];
      for (const n of names) {
        if (n.endsWith(PARTIAL_SUFFIX)) continue;
        const st = await lstat(path.join(dir, n)).catch(() => undefined);
        if (st?.isFile()) out.push(info(path.posix.join(prefix, n), st));
      }
      return out;
    },
    async leftovers(prefix) {
      const dir = inside(await base(), prefix, { allowRoot: true });
      if (!(await checkFolders(await base(), dir).catch(() => false))) return [];
      const out: Leftover[] = [];
      for (const n of await readdir(dir).catch(() => [] as string[])) {
        if (!n.startsWith('.') || !n.endsWith(PARTIAL_SUFFIX)) continue;
        const name = n.slice(1, -PARTIAL_SUFFIX.length);
        const [ps, fs] = await Promise.all([lstat(path.join(dir, n)).catch(() => undefined), lstat(path.join(dir, name)).catch(() => undefined)]);
        if (!ps) continue;
        const final = !fs ? 'none' : ps.isFile() && fs.isFile() && idOf(ps) === idOf(fs) ? 'same' : 'other';
        out.push({ key: path.posix.join(prefix, name), final });
      }
      return out;
    },
    async seal(key) {
      const final = await full(key);
      const p = partialOf(final);
      if (!(await folderOk(final))) return;
      await withFile(final, C.O_RDONLY, async (fh) => {
        const st = await fh.stat();
        if (!st.isFile()) throw linkRefused(final, 'is not a plain file');
        const ps = await lstat(p).catch(() => undefined);
        const ownPartial = ps?.isFile() && idOf(ps) === idOf(st);
        // Another hard link to the same file (outside the region, say) would be made read-only too: not ours to seal.
        if (st.nlink > (ownPartial ? 2 : 1)) throw new LifeboatError('BACKUP_UNREADABLE', `${key} in region ${region} has ${st.nlink} hard links: not sealed`, { retryable: false });
        await fh.chmod(0o444);
        await fh.sync();
        if (ownPartial) await unlink(p);
      });
      await fsyncDir(path.dirname(final));
    },
  };
}
