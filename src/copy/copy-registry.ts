import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { withFileLock, writeFileAtomic } from '../fsutil/index.js';
import type { StorageClass, TimeSource } from '../providers/index.js';

/** What lifeboat knows about one copy: verified content, or the problem found with it. */
export interface CopyRecord {
  resource: string;
  region: string;
  key: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  /** The backup's consistent point, so copy lag is measured like backup age (never the copy file's mtime). */
  backupTime: string;
  /** Where backupTime came from in the source region (records from before it was kept have none). */
  backupTimeSource?: TimeSource;
  /**
   * The storage class the copy was written with (the policy's `storageClass`). A local region
   * has no classes: the class is recorded so a later move to object storage knows what was asked.
   */
  storageClass?: StorageClass;
  verifiedAt: string;
  ok: boolean;
  problem?: string;
}

export type CopyRegistry = Record<string, CopyRecord>;
export const copyId = (region: string, key: string) => `${region}:${key}`;

/** A backup's key in any region: the resource's folder (forward slashes) and the file name. */
export const copyKey = (resourcePath: string, name: string) => [...resourcePath.split(/[\\/]+/).filter((p) => p && p !== '.'), name].join('/');

/** The verified-copies registry in the state folder, updated under a lock by whoever copies or verifies. */
export function copyRegistryStore(stateDir: string) {
  const file = path.join(stateDir, 'copies.json');
  const read = async (): Promise<CopyRegistry> => {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as CopyRegistry;
    } catch {
      return {};
    }
  };
  return {
    read,
    async update(fn: (reg: CopyRegistry) => void): Promise<void> {
      await mkdir(stateDir, { recursive: true });
      await withFileLock(`${file}.lock`, async () => {
        const reg = await read();
        fn(reg);
        await writeFileAtomic(file, JSON.stringify(reg));
      });
    },
  };
}
export type CopyRegistryStore = ReturnType<typeof copyRegistryStore>;
