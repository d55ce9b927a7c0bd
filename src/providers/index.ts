export type { BackupCatalog, BackupInspector, BackupRef, Verdict, TimeSource } from './types.js';
export * from './local/index.js';
export * from './databases/index.js';
export * from './sandboxes/index.js';
