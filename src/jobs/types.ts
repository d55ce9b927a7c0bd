import type { Schedule } from '../config/index.js';
import type { Runtime } from '../main/runtime.js';

/** What a job handler gets: the same whether node-cron, BullMQ or the CLI triggered it. */
export interface JobContext {
  runtime: Runtime;
  signal: AbortSignal;
}

export interface JobOutcome {
  ok: boolean;
  summary: string;
  details?: Record<string, unknown>;
}

export type JobHandler = (ctx: JobContext, schedule: Schedule) => Promise<JobOutcome>;
