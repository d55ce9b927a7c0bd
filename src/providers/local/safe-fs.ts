import { constants as C } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { LifeboatError } from '../../domain/index.js';

/**
 * Opening files inside a region without ever following a link. A region's root may
 * itself be a link (an operator's mount choice, resolved once); below it, every folder
 * on the way must be a real folder and the file itself is opened with O_NOFOLLOW. After
 * opening, the kernel's own name for the descriptor (/proc/self/fd) must be the path
 * asked for, which catches a folder swapped for a link between the check and the open.
 */

export const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;

/** The refusal every reader and writer raises: a link (or a path leaving the root) is never used. */
export function linkRefused(file: string, what = 'is a symbolic link'): LifeboatError {
  return new LifeboatError('BACKUP_UNREADABLE', `${file} ${what}: lifeboat never follows links in a region`, { retryable: false });
}

/** The reason shown for a backup that is a link (catalog listings and verdicts). */
export const LINK_REASON = 'is a symbolic link: lifeboat never follows links in a region, so it is not a backup';

const realRoots = new Map<string, string>();

/** A region root with its own links resolved (cached once the root exists). */
export async function realRoot(root: string): Promise<string> {
  const abs = path.resolve(root);
  const known = realRoots.get(abs);
  if (known) return known;
  try {
    const real = await realpath(abs);
    realRoots.set(abs, real);
    return real;
  } catch {
    return abs;
  }
}

/** root/rel, refused when rel is absolute, holds a NUL or climbs out of the root lexically. */
export function inside(root: string, rel: string, opts: { allowRoot?: boolean } = {}): string {
  if (rel.includes('\0') || path.isAbsolute(rel)) throw new LifeboatError('BACKUP_UNREADABLE', `${JSON.stringify(rel)} is not a path inside region root ${root}`, { retryable: false });
  const p = path.resolve(root, rel);
  if (p === root ? !opts.allowRoot : !p.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) {
    throw new LifeboatError('BACKUP_UNREADABLE', `${rel} leaves region root ${root}`, { retryable: false });
  }
  return p;
}

/**
 * Checks every folder from root (exclusive) down to dir (inclusive) is a real folder, not
 * a link. Returns false when one does not exist; creates them instead with `create`.
 */
export async function checkFolders(root: string, dir: string, opts: { create?: boolean } = {}): Promise<boolean> {
  const rel = path.relative(root, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw linkRefused(dir, `is outside region root ${root}`);
  let at = root;
  for (const part of rel ? rel.split(path.sep) : []) {
    at = path.join(at, part);
    let st = await lstat(at).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!st && opts.create) {
      await mkdir(at).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      st = await lstat(at);
    }
    if (!st) return false;
    if (st.isSymbolicLink()) throw linkRefused(at);
    // Not a link, so not the links message: something else sits where a folder should be.
    if (!st.isDirectory()) throw new LifeboatError('BACKUP_UNREADABLE', `${at} is not a folder`, { retryable: false });
  }
  return true;
}

let procFd: boolean | undefined;

/** The kernel's path of an open descriptor, or undefined where /proc is not available. */
export async function pathOfFd(fh: FileHandle): Promise<string | undefined> {
  if (procFd === false) return undefined;
  try {
    const p = await readlink(`/proc/self/fd/${fh.fd}`);
    procFd = true;
    return p;
  } catch {
    procFd = false;
    return undefined;
  }
}

/**
 * Opens `file` without following a link at its last component (O_NOFOLLOW) and proves,
 * after the fact, that no folder on the way was a link either.
 */
export async function openNoFollow(file: string, flags: number, mode?: number): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(file, flags | O_NOFOLLOW, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') throw linkRefused(file);
    throw err;
  }
  const actual = await pathOfFd(fh);
  if (actual !== undefined && actual !== path.resolve(file)) {
    await fh.close();
    throw linkRefused(file, `resolves to ${actual} through a linked folder`);
  }
  return fh;
}
