import type { DrillRun, RunPhase } from './types.js';

/** Which runs to read: all of them, or those of one drill, phase or queue job. */
export interface RunFilter {
  drill?: string;
  phase?: RunPhase;
  jobKey?: string;
}

export interface RunPage {
  runs: DrillRun[];
  /** Pass as `cursor` to read the next page; absent on the last page. */
  next?: string;
}

/**
 * Drill runs, each saved whole at every step so a crash never leaves half a record.
 * Runs are ordered by (startedAt, runId); implementations live in the state store.
 */
export interface RunStore {
  save(run: DrillRun): Promise<void>;
  get(runId: string): Promise<DrillRun | undefined>;
  /** Every matching run, oldest first. */
  list(filter?: RunFilter): Promise<DrillRun[]>;
  /** Matching runs newest first, `limit` at a time: a history of 100k runs is read a page at a time. */
  page(filter: RunFilter & { limit: number; cursor?: string }): Promise<RunPage>;
}
