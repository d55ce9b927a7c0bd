import { constants as C, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { checkFolders, inside, openNoFollow, pathOfFd } from './safe-fs.js';

export interface WalkedFile {
  key: string;
  file: string;
  /** The other names in its folder: where a file's companions (its partial, its meta) are found without another readdir. */
  siblings: ReadonlySet<string>;
}

const bytes = (s: string) => Buffer.from(s, 'utf8');
const cmp = (a: string, b: string) => Buffer.compare(bytes(a), bytes(b));

/**
 * The files under a prefix of a region in key order (UTF-8 bytes, as object stores list),
 * after `after`, at most `limit` of them, and whether there are more. Folders are entered
 * only when they are real folders: each is opened without following a link and read
 * through its descriptor, so a folder swapped for a link mid-walk is never read.
 */
export async function walkKeys(root: string, prefix: string, opts: { after?: string; limit: number; accept: (name: string) => boolean }): Promise<{ files: WalkedFile[]; more: boolean }> {
  const cut = prefix.lastIndexOf('/') + 1;
  const [folderKey, namePrefix] = [prefix.slice(0, cut), prefix.slice(cut)];
  const dir = inside(root, folderKey, { allowRoot: true });
  const out: WalkedFile[] = [];
  if (!(await checkFolders(root, dir))) return { files: out, more: false };
  const { after, limit, accept } = opts;

  /** True once limit + 1 files are found: the walk stops there. */
  const visit = async (at: string, keyPrefix: string, startsWith: string): Promise<boolean> => {
    const entries = (await readFolder(at)).filter((d) => d.name.startsWith(startsWith) && (d.isDirectory() || d.isFile()));
    const siblings = new Set(entries.map((d) => d.name));
    const sortKey = (d: Dirent) => (d.isDirectory() ? `${d.name}/` : d.name);
    entries.sort((a, b) => cmp(sortKey(a), sortKey(b)));
    for (const d of entries) {
      if (d.isDirectory()) {
        const sub = `${keyPrefix}${d.name}/`;
        // Everything in a folder sorts after its name plus '/': skip folders wholly at or before the cursor.
        if (after !== undefined && !after.startsWith(sub) && cmp(after, sub) > 0) continue;
        if (await visit(path.join(at, d.name), sub, '')) return true;
        continue;
      }
      if (!accept(d.name)) continue;
      const key = keyPrefix + d.name;
      if (after !== undefined && cmp(key, after) <= 0) continue;
      out.push({ key, file: path.join(at, d.name), siblings });
      if (out.length > limit) return true;
    }
    return false;
  };
  const more = await visit(dir, folderKey, namePrefix);
  return { files: out.slice(0, limit), more };
}

/** A folder's entries, read through a descriptor opened without following links (ENOENT: none). */
async function readFolder(dir: string): Promise<Dirent[]> {
  let fh;
  try {
    fh = await openNoFollow(dir, C.O_RDONLY | C.O_DIRECTORY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const viaFd = (await pathOfFd(fh)) !== undefined ? `/proc/self/fd/${fh.fd}` : dir;
    return await readdir(viaFd, { withFileTypes: true });
  } finally {
    await fh.close();
  }
}
