import type { Schedule } from '../config/index.js';
import type { DrillDeps, DrillRun } from '../drills/index.js';
import type { FreshnessResult, SweepDeps } from '../freshness/index.js';
import type { CanaryTarget, RegionStore } from '../providers/index.js';
import type { CopyRegistryStore } from '../copy/index.js';
import type { StateStore } from '../state/index.js';
import type { EventBus, EventRecorder } from '../events/index.js';
import type { Ledger } from '../ledger/index.js';

/** Everything a job needs for one loaded config: providers, ledger, clock, logger. Built by the composition root. */
export interface Runtime extends SweepDeps, Omit<DrillDeps, 'signal' | 'onProgress' | 'onRunChange'> {
  /** Runs, leases, copies, verdicts, freshness state and slot claims: files or PostgreSQL. */
  state: StateStore;
  /** The evidence chain, for reading and verifying; what happens is written through `events`. */
  ledger: Ledger;
  /** Where every state change is told: the ledger keeps the evidence, the bus delivers all. */
  events: EventRecorder;
  /** The bus `events` publishes on, for subscribers (alerts, metrics, the API). */
  bus: EventBus;
  /** Verified cold copies, shared by whoever copies or verifies. */
  registry: CopyRegistryStore;
  /** The storage of a region, where copies are written and read. */
  store(region: string): RegionStore;
  /** Live state for dashboards (distributed mode publishes it to Redis; embedded mode has none). */
  live?: { freshness(results: readonly FreshnessResult[]): Promise<void>; drill(run: DrillRun): Promise<void> };
  /** Where a resource's canary heartbeat goes, its insert-only credential resolved. */
  canaryTarget(resourceId: string): Promise<CanaryTarget>;
  close(): Promise<void>;
}

/** What a job handler gets: the same whether node-cron, BullMQ or the CLI triggered it. */
export interface JobContext {
  runtime: Runtime;
  signal: AbortSignal;
  /** The queue job this run belongs to (distributed mode): a retried job finds its earlier attempt by it. */
  jobKey?: string;
  /** The queue will try this job again if it fails with a retryable error (attempts remain). */
  retriesLeft?: boolean;
}

export interface JobOutcome {
  ok: boolean;
  summary: string;
  details?: Record<string, unknown>;
}

export type JobHandler = (ctx: JobContext, schedule: Schedule) => Promise<JobOutcome>;
