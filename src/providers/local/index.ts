export { createDumpDirCatalog } from './dump-dir-catalog.js';
export { createFileInspector, isGzip } from './file-inspector.js';
export { readManifest } from './manifest-reader.js';
export { headOf, openDumpText, sniffBytes, sniffDump, type DumpEncoding, type DumpSource } from './open-dump.js';
export { DEFAULT_PATTERNS, globToRegExp } from './glob.js';
export { createLocalRegionStore } from './region-store.js';
export { openNoFollow, LINK_REASON } from './safe-fs.js';
