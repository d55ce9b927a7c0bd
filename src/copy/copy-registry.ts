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

/**
 * The verified-copies registry, shared by whoever copies or verifies. `update` runs its
 * function on the current registry under the store's lock, so two writers never lose each
 * other's records. Implementations live in the state store.
 */
export interface CopyRegistryStore {
  read(): Promise<CopyRegistry>;
  update(fn: (reg: CopyRegistry) => void): Promise<void>;
}
