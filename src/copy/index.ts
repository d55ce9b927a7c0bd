export { runCopies, resourcesOf, type CopyDeps, type CopyTaskResult } from './run-copies.js';
export { copyStatus } from './copy-status.js';
export { verifyCopies, type VerifyResult } from './verify-copies.js';
export { copyId, copyKey, type CopyRegistryStore, type CopyRecord, type CopyRegistry } from './copy-registry.js';
export { copyObject, type CopyOutcome } from './copy-file.js';
