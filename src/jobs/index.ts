import type { Schedule } from '../config/index.js';
import { demoBackupsJob } from './demo-backups-job.js';
import { freshnessJob } from './freshness-job.js';
import type { JobHandler } from './types.js';

export type { JobContext, JobHandler, JobOutcome, Runtime } from './types.js';

/** Handlers by job kind. A kind absent here is valid config whose runner arrives in a later release. */
export const JOB_HANDLERS: Partial<Record<Schedule['job'], JobHandler>> = {
  freshness: freshnessJob,
  'demo-backups': demoBackupsJob,
};
