export { sweepFreshness, type SweepDeps, type SweepOptions, type SweepStats } from './sweep.js';
export { classify, CLOCK_SKEW_TOLERANCE_MS } from './classify.js';
export { evidenceFor, recordFreshness, type FreshnessState } from './evidence.js';
export { openVerdictCache, cachedInspector, recheckBackup, type VerdictCache } from './verdict-cache.js';
export { verifyBeforeRestore } from './recheck.js';
export { scrubBackups, type ScrubVerdict } from './scrub-backups.js';
export { createPacer, type Pace } from './pacer.js';
export type { FreshnessResult, FreshnessStatus, BackupSummary } from './types.js';
export { STATUS_RANK, subjectOf } from './types.js';
