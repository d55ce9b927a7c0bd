export { withFileLock } from './file-lock.js';
export { writeFileAtomic } from './atomic-write.js';
export { statFast, readdirFast, statIfExists } from './fast-fs.js';
