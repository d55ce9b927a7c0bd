export { withFileLock } from './file-lock.js';
export { writeFileAtomic } from './atomic-write.js';
