import { randomBytes } from 'node:crypto';
import { constants as C } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { STORAGE_CLASSES, type StorageClass } from '../region-store.js';
import { metaOf, TEMP_SUFFIX } from './region-paths.js';
import { openNoFollow } from './safe-fs.js';

/**
 * What a local region records about an object that a folder cannot: the storage class it
 * was written with and its sha256, in a hidden sidecar `.<name>.lifeboat-meta` (COS keeps
 * both as object headers). Advisory: a missing or unreadable sidecar means "not recorded".
 */
export interface ObjectMeta {
  storageClass?: StorageClass;
  sha256?: string;
}

/** A fresh temporary name beside file, created by whoever uses it with O_EXCL. */
export const tempBeside = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);

export async function readMeta(file: string): Promise<ObjectMeta> {
  try {
    const fh = await openNoFollow(metaOf(file), C.O_RDONLY);
    let raw: unknown;
    try {
      raw = JSON.parse(await fh.readFile('utf8'));
    } finally {
      await fh.close();
    }
    const m = raw as Record<string, unknown>;
    return {
      storageClass: STORAGE_CLASSES.includes(m.storageClass as StorageClass) ? (m.storageClass as StorageClass) : undefined,
      sha256: typeof m.sha256 === 'string' && /^[0-9a-f]{64}$/.test(m.sha256) ? m.sha256 : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * Written to a temporary name first, then renamed over the sidecar's name: rename replaces
 * whatever had the name (a planted link included) without following it.
 */
export async function prepareMeta(file: string, meta: ObjectMeta): Promise<{ place(): Promise<void>; drop(): Promise<void> } | undefined> {
  if (!meta.storageClass && !meta.sha256) return undefined;
  const tmp = tempBeside(file);
  const fh = await openNoFollow(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o444);
  try {
    await fh.writeFile(JSON.stringify(meta));
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { place: () => rename(tmp, metaOf(file)), drop: () => unlink(tmp).catch(() => undefined) };
}
