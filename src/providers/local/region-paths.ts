import { constants as C } from 'node:fs';
import { lstat, mkdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { LifeboatError } from '../../domain/index.js';
import { checkKey } from '../object-key.js';
import { checkFolders, inside, openNoFollow, realRoot } from './safe-fs.js';

/** Names lifeboat keeps beside an object in a local region; never objects, never listed. */
export const PARTIAL_SUFFIX = '.lifeboat-partial';
export const META_SUFFIX = '.lifeboat-meta';
export const TEMP_SUFFIX = '.lifeboat-put';
const INTERNAL = [PARTIAL_SUFFIX, META_SUFFIX, TEMP_SUFFIX];
export const isInternal = (name: string) => INTERNAL.some((s) => name.endsWith(s));

export const partialOf = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}${PARTIAL_SUFFIX}`);
export const metaOf = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}${META_SUFFIX}`);

export type Stat = Awaited<ReturnType<typeof lstat>>;
export const idOf = (st: { dev: number | bigint; ino: number | bigint }) => `${st.dev}:${st.ino}`;

/** Keys to files of one local region: every key checked, every folder on the way real, the root never left. */
export interface LocalPaths {
  readonly region: string;
  readonly root: string;
  base(): Promise<string>;
  /** The file of a key (the key checked against the shared rules and lifeboat's own names). */
  full(key: string): Promise<string>;
  /** The folder of a file exists and is real all the way from the root (created on the way when asked). */
  folderOk(file: string, create?: boolean): Promise<boolean>;
  /** lstat of a file whose folders are real; undefined when it or a folder is missing. */
  lstatIn(file: string): Promise<Stat | undefined>;
  withFile<T>(file: string, flags: number, fn: (fh: FileHandle) => Promise<T>): Promise<T>;
  fsyncDir(dir: string): Promise<void>;
  notHere(key: string): LifeboatError;
}

export function localPaths(region: string, root: string): LocalPaths {
  const base = () => realRoot(root);
  const folderOk = async (file: string, create = false) => {
    if (create) await mkdir(path.resolve(root), { recursive: true });
    return checkFolders(await base(), path.dirname(file), { create });
  };
  const withFile = async <T>(file: string, flags: number, fn: (fh: FileHandle) => Promise<T>): Promise<T> => {
    const fh = await openNoFollow(file, flags);
    try {
      return await fn(fh);
    } finally {
      await fh.close();
    }
  };
  return {
    region,
    root,
    base,
    async full(key) {
      checkKey(key);
      if (key.split('/').some(isInternal)) throw new LifeboatError('BACKUP_UNREADABLE', `key ${JSON.stringify(key)} ends like a name lifeboat keeps for itself in region ${region}`, { retryable: false });
      return inside(await base(), key);
    },
    folderOk,
    lstatIn: async (file) => ((await folderOk(file)) ? lstat(file).catch(() => undefined) : undefined),
    withFile,
    fsyncDir: (dir) => withFile(dir, C.O_RDONLY | C.O_DIRECTORY, (fh) => fh.sync()),
    notHere: (key) => new LifeboatError('BACKUP_UNREADABLE', `${key} is not in region ${region}`),
  };
}
