import type { Schedule } from '../config/index.js';

/** One queue per job kind, so each gets its own worker concurrency. */
export const QUEUE_OF: Record<Schedule['job'], string> = {
  freshness: 'freshness',
  drill: 'drill',
  copy: 'copy',
  'copy-verify': 'copy-verify',
  scrub: 'scrub',
  canary: 'canary',
  'demo-backups': 'demo-backups',
};

export const SCHEDULER_ID_PREFIX = 'schedule:';
export const schedulerId = (schedule: string) => `${SCHEDULER_ID_PREFIX}${schedule}`;
