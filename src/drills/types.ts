import type { CheckResult } from '../checks/index.js';
import type { Score } from '../scoring/index.js';

export const STEPS = ['locate', 'thaw', 'fetch', 'provision', 'restore', 'verify', 'score', 'teardown'] as const;
export type StepName = (typeof STEPS)[number];

/** See phaseOf (phase.ts) for what each finished phase means. */
export type RunPhase = 'running' | 'passed' | 'partially-failed' | 'failed' | 'inconclusive' | 'error' | 'abandoned';

export interface StepRecord {
  name: StepName;
  startedAt: string;
  endedAt?: string;
  ok?: boolean;
  error?: string;
  details?: Record<string, unknown>;
}

/** One drill run as persisted: updated at every step start and end. */
export interface DrillRun {
  runId: string;
  drill: string;
  resource: string;
  sandbox: string;
  phase: RunPhase;
  startedAt: string;
  endedAt?: string;
  /** Refreshed by a heartbeat while the run is running: when its process was last known alive. */
  lastSeenAt?: string;
  owner: { host: string; pid: number };
  /** The queue job that ran it, in distributed mode. */
  jobKey?: string;
  backup?: { name: string; region: string; location: string; time: string; timeSource: string; size: number };
  leaseId?: string;
  steps: StepRecord[];
  checks?: CheckResult[];
  score?: Score;
  /** RTO phase breakdown in milliseconds. */
  phases?: Record<string, number>;
  error?: string;
  /** For an error: whether trying again later may succeed (an unreachable server), or not (a config problem). */
  retryable?: boolean;
  /** When later attempts of its queue job took the run over (see resume.ts). */
  resumedAt?: string[];
  /** A failed run's sandbox left for debugging: until when, and the database to look in. */
  kept?: { until: string; database: string };
}
