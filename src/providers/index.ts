export type { BackupCatalog, BackupInspector, BackupRef, Verdict, TimeSource } from './types.js';
export { ObjectExistsError, STORAGE_CLASSES, listAll, type ListPage, type Leftover, type ObjectInfo, type PutOptions, type RegionStore, type Retention, type StorageClass, type ThawStatus, type ThawTier } from './region-store.js';
export { checkKey, checkPrefix, objectUri, parseObjectUri } from './object-key.js';
export { backupKey, backupSource, openBackup, type StoreOf } from './open-backup.js';
export * from './local/index.js';
export * from './databases/index.js';
export * from './sandboxes/index.js';
export * from './restorers/index.js';
