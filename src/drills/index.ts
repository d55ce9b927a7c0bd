export { runDrill, makeRunId, type DrillDeps } from './run-drill.js';
export { dryRunDrill, type Readiness } from './dry-run.js';
export { sweepLeases, type SweepResult } from './sweep-leases.js';
export { createRunStore, type RunStore } from './run-store.js';
export { guardSandbox, type ResolveHost } from './guard.js';
export { selectBackup } from './select-backup.js';
export { STEPS, type DrillRun, type RunPhase, type StepName, type StepRecord } from './types.js';
export { overdueDrills } from './overdue.js';
export { abandonEarlierAttempts } from './abandon-runs.js';
