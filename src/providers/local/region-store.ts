import { constants as C } from 'node:fs';
import { copyFile, link, lstat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { LifeboatError } from '../../domain/index.js';
import { checkPrefix, objectUri } from '../object-key.js';
import type { Leftover, ObjectInfo, RegionStore, ThawStatus } from '../region-store.js';
import { readMeta } from './region-meta.js';
import { idOf, isInternal, localPaths, metaOf, PARTIAL_SUFFIX, partialOf, type LocalPaths, type Stat } from './region-paths.js';
import { createPending, pendingWritable } from './region-put.js';
import { walkKeys } from './region-walk.js';
import { linkRefused, openNoFollow, pathOfFd } from './safe-fs.js';

/** The local stores made here: a server-side copy between two of them opens the source's file directly. */
const localFiles = new WeakMap<RegionStore, (key: string) => Promise<FileHandle>>();

const DEFAULT_PAGE = 1000;

/**
 * A region that is a folder. Keys are paths below the root; no link is ever followed and
 * the root is never left (safe-fs.ts). Objects are published read-only under their final
 * name with link(), so nothing is ever replaced. Local objects are never archived: thaw is
 * a no-op and thawStatus says available. There is no object lock: retention and
 * setRetention are absent (a published object is only read-only by its mode bits, which
 * its owner can change). Storage class and sha256 given to putIfAbsent (and copied by
 * copy) are kept in a hidden sidecar; the copy code's commit records none (the copy
 * registry holds the class, and a copy's folder holds only copies).
 */
export function createLocalRegionStore(region: string, root: string): RegionStore {
  const p = localPaths(region, root);
  /** Partials this process created or opened, by key: commit publishes only the very file that was written. */
  const owned = new Map<string, string>();
  const partialPath = async (key: string) => partialOf(await p.full(key));
  const openFile = async (key: string): Promise<FileHandle> => {
    const file = await p.full(key);
    if (!(await p.folderOk(file))) throw p.notHere(key);
    const fh = await openNoFollow(file, C.O_RDONLY);
    if (!(await fh.stat()).isFile()) {
      await fh.close();
      throw linkRefused(file, 'is not a plain file');
    }
    return fh;
  };
  /** A fresh partial, created exclusively: whatever had its name (a stale partial, a planted link) is unlinked first, never followed. */
  const createPartial = async (key: string) => {
    const part = await partialPath(key);
    await p.folderOk(part, true);
    await unlink(part).catch(() => undefined);
    const fh = await openNoFollow(part, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o600);
    owned.set(key, idOf(await fh.stat()));
    return fh;
  };
  const info = async (key: string, file: string, st: Stat, withMeta: boolean): Promise<ObjectInfo> => ({
    key,
    size: Number(st.size),
    mtimeMs: Number(st.mtimeMs),
    ...(withMeta && st.isFile() ? await readMeta(file) : {}),
    archived: false,
    restoring: false,
    notFile: st.isSymbolicLink() ? 'is a symbolic link' : st.isFile() ? undefined : 'is not a plain file',
    writable: st.isFile() && (Number(st.mode) & 0o222) !== 0,
  });
  const available = async (key: string): Promise<ThawStatus> => {
    const st = await store.stat(key);
    if (!st || st.notFile) throw p.notHere(key);
    return { state: 'available' };
  };

  const store: RegionStore = {
    region,
    uri: (key) => objectUri('local', region, key),
    async list(prefix, opts = {}) {
      checkPrefix(prefix);
      const after = opts.cursor === undefined ? undefined : Buffer.from(opts.cursor, 'base64url').toString('utf8');
      const limit = Math.max(1, opts.limit ?? DEFAULT_PAGE);
      const { files, more } = await walkKeys(await p.base(), prefix, { after, limit, accept: (n) => !isInternal(n) });
      const entries: ObjectInfo[] = [];
      for (const f of files) {
        const st = await lstat(f.file).catch(() => undefined);
        if (st?.isFile()) entries.push(await info(f.key, f.file, st, f.siblings.has(path.basename(metaOf(f.file)))));
      }
      const last = files.at(-1)?.key;
      return { entries, next: more && last !== undefined ? Buffer.from(last, 'utf8').toString('base64url') : undefined };
    },
    async stat(key) {
      const file = await p.full(key);
      const st = await p.lstatIn(file);
      return st && info(key, file, st, true);
    },
    async open(key, range) {
      return (await openFile(key)).createReadStream({ start: range?.start, end: range?.end, highWaterMark: 1 << 20 });
    },
    async putIfAbsent(key, opts = {}) {
      return pendingWritable(p, key, await createPending(p, key), opts);
    },
    async copy(key, to, toKey) {
      const target = localTargets.get(to);
      if (!target) return false;
      const meta = await readMeta(await p.full(key));
      const src = await openFile(key);
      try {
        const pending = await createPending(target, toKey);
        try {
          if (!(await copyBetween(src, pending.fh))) {
            await pending.abandon();
            return false;
          }
          await pending.publish({ mtime: (await src.stat()).mtime, meta });
          return true;
        } catch (err) {
          await pending.abandon();
          throw err;
        }
      } finally {
        await src.close();
      }
    },
    thaw: (key) => available(key),
    thawStatus: (key) => available(key),

    async partialSize(key) {
      const st = await p.lstatIn(await partialPath(key));
      // Only a plain file of its own can be resumed; anything else is replaced by a fresh partial.
      return st?.isFile() && st.nlink === 1 ? Number(st.size) : 0;
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
      const part = await partialPath(key);
      if (!(await p.folderOk(part))) throw new LifeboatError('BACKUP_UNREADABLE', `no partial of ${key} to resume in region ${region}`);
      const fh = await openNoFollow(part, C.O_WRONLY);
      const st = await fh.stat();
      if (!st.isFile() || st.nlink !== 1) {
        await fh.close();
        throw linkRefused(part, 'is not a plain file of its own');
      }
      owned.set(key, idOf(st));
      await fh.truncate(offset);
      return fh.createWriteStream({ start: offset, highWaterMark: 1 << 20 });
    },
    syncPartial: async (key) => p.withFile(await partialPath(key), C.O_RDONLY, (fh) => fh.sync()),
    async discardPartial(key) {
      const part = await partialPath(key);
      owned.delete(key);
      // unlink removes a link itself, never what it points to.
      if (await p.folderOk(part)) await unlink(part).catch(() => undefined);
    },
    async commit(key, opts) {
      const part = await partialPath(key);
      const final = await p.full(key);
      if (!(await p.folderOk(final))) throw new LifeboatError('BACKUP_UNREADABLE', `nothing to publish for ${key} in region ${region}`);
      return p.withFile(part, C.O_RDONLY, async (fh) => {
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
          await link(part, final);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists' as const;
          throw err;
        }
        await unlink(part);
        owned.delete(key);
        await p.fsyncDir(path.dirname(final));
        return 'committed' as const;
      });
    },
    async copyIntoPartial(from, key) {
      const openSource = localFiles.get(from);
      if (!openSource) return false;
      const src = await openSource(key);
      try {
        const dst = await createPartial(key);
        try {
          return await copyBetween(src, dst);
        } finally {
          await dst.close();
        }
      } finally {
        await src.close();
      }
    },
    async leftovers(prefix) {
      const { files } = await walkKeys(await p.base(), checkPrefix(prefix), { limit: Infinity, accept: (n) => n.startsWith('.') && n.endsWith(PARTIAL_SUFFIX) });
      const out: Leftover[] = [];
      for (const f of files) {
        const name = path.basename(f.file).slice(1, -PARTIAL_SUFFIX.length);
        const finalFile = path.join(path.dirname(f.file), name);
        const [ps, fs] = await Promise.all([lstat(f.file).catch(() => undefined), lstat(finalFile).catch(() => undefined)]);
        if (!ps) continue;
        const final = !fs ? 'none' : ps.isFile() && fs.isFile() && idOf(ps) === idOf(fs) ? 'same' : 'other';
        out.push({ key: f.key.slice(0, f.key.length - path.basename(f.file).length) + name, final });
      }
      return out;
    },
    async seal(key) {
      const final = await p.full(key);
      const part = partialOf(final);
      if (!(await p.folderOk(final))) return;
      await p.withFile(final, C.O_RDONLY, async (fh) => {
        const st = await fh.stat();
        if (!st.isFile()) throw linkRefused(final, 'is not a plain file');
        const ps = await lstat(part).catch(() => undefined);
        const ownPartial = ps?.isFile() && idOf(ps) === idOf(st);
        // Another hard link to the same file (outside the region, say) would be made read-only too: not ours to seal.
        if (st.nlink > (ownPartial ? 2 : 1)) throw new LifeboatError('BACKUP_UNREADABLE', `${key} in region ${region} has ${st.nlink} hard links: not sealed`, { retryable: false });
        await fh.chmod(0o444);
        await fh.sync();
        if (ownPartial) await unlink(part);
      });
      await p.fsyncDir(path.dirname(final));
    },
  };
  localFiles.set(store, openFile);
  localTargets.set(store, p);
  return store;
}

/** The paths of the local stores made here: where copy() writes in another local store. */
const localTargets = new WeakMap<RegionStore, LocalPaths>();

/**
 * A reflink where the filesystem offers one (as cp does), a kernel-side copy otherwise,
 * between two descriptors already proven to be the right files (no path is looked up again).
 * False where /proc is not there to name them.
 */
async function copyBetween(src: FileHandle, dst: FileHandle): Promise<boolean> {
  const [s, d] = await Promise.all([pathOfFd(src), pathOfFd(dst)]);
  if (!s || !d) return false;
  await copyFile(`/proc/self/fd/${src.fd}`, `/proc/self/fd/${dst.fd}`, C.COPYFILE_FICLONE);
  return true;
}
