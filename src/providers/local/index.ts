export { createDumpDirCatalog } from './dump-dir-catalog.js';
export { createFileInspector, isGzip } from './file-inspector.js';
export { readManifest } from './manifest-reader.js';
export { openDumpText, sniffDump, type DumpEncoding } from './open-dump.js';
export { DEFAULT_PATTERNS, globToRegExp } from './glob.js';
export { createLocalRegionStore, type RegionStore, type ObjectInfo, type StorageClass } from './region-store.js';
export { openNoFollow, LINK_REASON } from './safe-fs.js';
