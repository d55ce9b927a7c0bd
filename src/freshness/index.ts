export { sweepFreshness, type SweepDeps, type SweepOptions, type SweepStats } from './sweep.js';
export { classify } from './classify.js';
export { evidenceFor, recordFreshness, type FreshnessState } from './evidence.js';
export { openVerdictCache, cachedInspector, type VerdictCache } from './verdict-cache.js';
export type { FreshnessResult, FreshnessStatus, BackupSummary } from './types.js';
export { STATUS_RANK, subjectOf } from './types.js';
