export { scanDump, type DumpScan, type ScannedTable } from './dump-scan.js';
export { manifestFromFile, readDumpFile, type ManifestOptions } from './manifest-from-file.js';
export { manifestFromSnapshot, mergeSnapshot, type MergeNote } from './manifest-from-db.js';
export { partialDumpProblems } from './partial-dump.js';
export { checkCompleteness, tableChecksum, type CheckResult, type Completeness } from './completeness.js';
