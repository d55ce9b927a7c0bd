import { createHash } from 'node:crypto';
import { constants as C } from 'node:fs';
import { link, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { LifeboatError } from '../../domain/index.js';
import { ObjectExistsError, type PutOptions } from '../region-store.js';
import { prepareMeta, tempBeside, type ObjectMeta } from './region-meta.js';
import type { LocalPaths } from './region-paths.js';
import { openNoFollow } from './safe-fs.js';

/** A new object being written under a temporary name beside its key; nothing under the key until publish. */
export interface PendingObject {
  fh: FileHandle;
  /** Publishes under key (read-only, dated, never replacing): the temporary file becomes the object. */
  publish(opts: { mtime?: Date; meta: ObjectMeta }): Promise<void>;
  /** Removes the temporary file (after a failure; a no-op once published). */
  abandon(): Promise<void>;
}

export async function createPending(p: LocalPaths, key: string): Promise<PendingObject> {
  const final = await p.full(key);
  if (await p.lstatIn(final)) throw new ObjectExistsError(p.region, key);
  await p.folderOk(final, true);
  const tmp = tempBeside(final);
  const fh = await openNoFollow(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o600);
  let open = true;
  let done = false;
  const close = async () => {
    if (open) {
      open = false;
      await fh.close();
    }
  };
  return {
    fh,
    async publish({ mtime, meta }) {
      await fh.sync();
      if (mtime) await fh.utimes(mtime, mtime);
      await fh.chmod(0o444);
      await close();
      const sidecar = await prepareMeta(final, meta);
      try {
        // link() never replaces an existing name: write-once even against a racing writer.
        await link(tmp, final);
      } catch (err) {
        await sidecar?.drop();
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ObjectExistsError(p.region, key);
        throw err;
      }
      done = true;
      await unlink(tmp);
      await sidecar?.place();
      await p.fsyncDir(path.dirname(final));
    },
    async abandon() {
      await close().catch(() => undefined);
      if (!done) await unlink(tmp).catch(() => undefined);
    },
  };
}

/** The writable putIfAbsent hands out: its 'finish' comes only after the object is published. */
export function pendingWritable(p: LocalPaths, key: string, pending: PendingObject, opts: PutOptions): Writable {
  const hash = createHash('sha256');
  let bytes = 0;
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      writeAll(pending.fh, chunk).then(() => cb(), cb);
    },
    final(cb) {
      const sha256 = hash.digest('hex');
      const wrong =
        opts.size !== undefined && bytes !== opts.size
          ? `${bytes} bytes arrived, ${opts.size} were announced`
          : opts.sha256 && sha256 !== opts.sha256
            ? `sha256 ${sha256.slice(0, 12)}… differs from the announced ${opts.sha256.slice(0, 12)}…`
            : undefined;
      if (wrong) return cb(new LifeboatError('BACKUP_UNREADABLE', `${key} in region ${p.region}: ${wrong}: not published`, { retryable: false }));
      pending.publish({ mtime: opts.mtime, meta: { storageClass: opts.storageClass, sha256 } }).then(() => cb(), cb);
    },
    destroy(err, cb) {
      pending.abandon().then(
        () => cb(err),
        () => cb(err),
      );
    },
  });
}

async function writeAll(fh: FileHandle, chunk: Buffer): Promise<void> {
  let at = 0;
  while (at < chunk.length) at += (await fh.write(chunk, at, chunk.length - at)).bytesWritten;
}
