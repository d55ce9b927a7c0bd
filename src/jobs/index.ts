import type { Schedule } from '../config/index.js';
import { canaryJob } from './canary-job.js';
import { copyJob, copyVerifyJob } from './copy-jobs.js';
import { demoBackupsJob } from './demo-backups-job.js';
import { drillJob } from './drill-job.js';
import { freshnessJob } from './freshness-job.js';
import { scrubJob } from './scrub-job.js';
import type { JobHandler } from './types.js';

export type { JobContext, JobHandler, JobOutcome, Runtime } from './types.js';
export { canaryJob } from './canary-job.js';
export { checkAll } from './check-all.js';
export { scrub, scrubJob, type ScrubResult } from './scrub-job.js';

/** Handlers by job kind: every kind a schedule may name. */
export const JOB_HANDLERS: Record<Schedule['job'], JobHandler> = {
  freshness: freshnessJob,
  drill: drillJob,
  canary: canaryJob,
  copy: copyJob,
  'copy-verify': copyVerifyJob,
  scrub: scrubJob,
  'demo-backups': demoBackupsJob,
};
