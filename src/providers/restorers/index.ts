export type { Restorer } from './restorer.js';
export { createDumpRestorer } from './dump-restorer.js';
