import { z } from 'zod';
import { schedulerCommand } from '../distributed.js';
import { defineCommand } from './define.js';
import { flag, keyPrefix, redisFromEnv, redisUrl } from './options.js';

export const scheduler = defineCommand({
  path: ['scheduler'],
  description: 'distributed mode: keep BullMQ job schedulers in step with schedules/',
  options: [
    { flags: '--redis <url>', description: 'Redis URL (default: REDIS_URL)' },
    { flags: '--prefix <prefix>', description: 'BullMQ key prefix, one per deployment', default: 'lifeboat' },
    { flags: '--json', description: 'errors as a JSON object on stdout (logs: --log-format json)' },
  ],
  fromEnv: redisFromEnv,
  schema: z.object({ redis: redisUrl.optional(), prefix: keyPrefix, json: flag }),
  run: (ctx, o) => schedulerCommand(ctx, o),
});
