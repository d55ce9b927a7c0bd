import { z } from 'zod';
import { workerCommand } from '../distributed.js';
import { defineCommand } from './define.js';
import { concurrency, durationMs, flag, keyPrefix, redisFromEnv, redisUrl } from './options.js';

export const worker = defineCommand({
  path: ['worker'],
  description: 'distributed mode: process the queues (freshness, drill, copy, copy-verify, scrub, canary)',
  options: [
    { flags: '--redis <url>', description: 'Redis URL (default: REDIS_URL)' },
    { flags: '--prefix <prefix>', description: 'BullMQ key prefix, one per deployment', default: 'lifeboat' },
    { flags: '--concurrency <queue=n...>', description: 'jobs at once per queue, e.g. drill=2 freshness=4' },
    { flags: '--stall-timeout <duration>', description: 'a worker silent this long is taken for dead and its job handed to another (default 60s)' },
    { flags: '--shutdown-timeout <duration>', description: 'on SIGTERM, how long running jobs may take before they are aborted and requeued (default 60s)' },
    { flags: '--json', description: 'errors as a JSON object on stdout (logs: --log-format json)' },
  ],
  fromEnv: redisFromEnv,
  schema: z.object({
    redis: redisUrl.optional(),
    prefix: keyPrefix,
    concurrency: concurrency.optional(),
    // BullMQ checks for stalled jobs every half lock; below a second it would do little else.
    stallTimeout: durationMs('--stall-timeout', 2_000).optional(),
    shutdownTimeout: durationMs('--shutdown-timeout').optional(),
    json: flag,
  }),
  run: (ctx, { stallTimeout, shutdownTimeout, ...o }) => workerCommand(ctx, { ...o, lockDurationMs: stallTimeout, shutdownMs: shutdownTimeout }),
});
