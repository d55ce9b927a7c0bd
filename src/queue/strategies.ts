import type { AdvancedOptions } from 'bullmq';
import { nextFireTime } from '../scheduling/index.js';
import { DEFAULT_TIME_ZONE } from '../config/index.js';

/**
 * Shared by every Queue and Worker: cron read exactly as the embedded scheduler reads it,
 * and retries that back off exponentially with jitter (1 s, 2 s, 4 s … up to 5 min).
 */
export const queueSettings: AdvancedOptions = {
  repeatStrategy: (millis, opts) => (opts.pattern ? nextFireTime(opts.pattern, opts.tz ?? DEFAULT_TIME_ZONE, millis) : undefined),
  backoffStrategy: (attemptsMade: number) => {
    const base = Math.min(300_000, 1000 * 2 ** Math.max(0, attemptsMade - 1));
    return Math.round(base * (0.5 + Math.random() / 2));
  },
};

export const RETRY_OPTIONS = { attempts: 5, backoff: { type: 'custom' } } as const;
