import type { Resource, Manifest } from '../config/index.js';

/** The storage of a region lives in region-store.ts; named here too, beside the other provider interfaces. */
export type { ObjectInfo, RegionStore, StorageClass } from './region-store.js';

export type TimeSource = 'manifest' | 'name' | 'mtime';

/** One restorable point of a resource, as its catalog sees it without reading the content. */
export interface BackupRef {
  resourceId: string;
  region: string;
  /**
   * The object's URI, `<scheme>://<region>/<key>` (local://, cos://): never a path. Its bytes
   * are read through the region's store (openBackup); it also keys the verdict cache.
   */
  location: string;
  name: string;
  size: number;
  modifiedAt: Date;
  /** The consistent point: what the backup's age is measured from. */
  time: Date;
  timeSource: TimeSource;
  manifest?: Manifest;
  /** Set when a manifest exists but cannot be read or is malformed. */
  manifestError?: string;
  /** Set when the name is not a backup at all (a symbolic link): unusable, never read. */
  refused?: string;
  /** Changes whenever the content or its manifest may have changed; keys the verdict cache. */
  fingerprint: string;
}

/** Whether a backup can be restored at all, judged from its content. */
export interface Verdict {
  usable: boolean;
  reason?: string;
  sha256?: string;
  bytesRead: number;
  checkedAt: string;
}

/** Lists a resource's backups, newest first. Cheap: metadata only. */
export interface BackupCatalog {
  /** In the resource's own region, or (cold copies) in another region where they land under the same path. */
  list(resource: Resource, region?: string): Promise<BackupRef[]>;
  /** Optional: read many resources' folders in one batch before a sweep lists them one by one. */
  prefetch?(resources: readonly Resource[], region?: string): Promise<void>;
}

/** Reads a backup end to end to decide whether it is usable. Expensive: callers cache by fingerprint. */
export interface BackupInspector {
  inspect(backup: BackupRef, signal?: AbortSignal): Promise<Verdict>;
  /** Reads the backup again whatever was remembered, and remembers the new verdict (an inspector with a memory). */
  recheck?(backup: BackupRef, signal?: AbortSignal): Promise<Verdict>;
}
