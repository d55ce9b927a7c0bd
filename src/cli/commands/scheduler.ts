import { z } from 'zod';
import { defineCommand } from './define.js';
import { flag, keyPrefix, listen, LISTEN_OPTION, redisFromEnv, redisUrl } from './options.js';
import { watch } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/index.js';
import { messageOf } from '../../domain/index.js';
import { syncSchedulers } from '../../queue/index.js';
import { EXIT, type CliContext } from '../context.js';
import { connectionOf, waitForStop, type DistributedOptions } from '../distributed.js';

export const scheduler = defineCommand({
  path: ['scheduler'],
  description: 'distributed mode: keep BullMQ job schedulers in step with schedules/',
  options: [
    { flags: '--redis <url>', description: 'Redis URL (default: REDIS_URL)' },
    { flags: '--prefix <prefix>', description: 'BullMQ key prefix, one per deployment', default: 'lifeboat' },
    LISTEN_OPTION,
    { flags: '--json', description: 'errors as a JSON object on stdout (logs: --log-format json)' },
  ],
  fromEnv: redisFromEnv,
  schema: z.object({ redis: redisUrl.optional(), prefix: keyPrefix, listen, json: flag }),
  run: (ctx, o) => schedulerCommand(ctx, o),
});

/**
 * lifeboat scheduler: keeps BullMQ job schedulers in step with schedules/ (at start, on
 * every change to the folder, and every minute). Any number may run: upserts are idempotent.
 */
async function schedulerCommand(ctx: CliContext, opts: DistributedOptions): Promise<number> {
  const connection = connectionOf(opts);
  let config = await loadConfig(ctx.configPath);
  await syncSchedulers(config, connection, opts.prefix, ctx.logger);
  let pending: NodeJS.Timeout | undefined;
  const reload = async () => {
    try {
      config = await loadConfig(ctx.configPath);
      await syncSchedulers(config, connection, opts.prefix, ctx.logger);
    } catch (err) {
      // A broken edit keeps the last good schedules running and says why.
      ctx.logger.error({ err: messageOf(err) }, 'schedules/ not applied');
    }
  };
  const resync = () => {
    clearTimeout(pending);
    // Not awaited: a timer cannot wait, and reload catches and logs its own errors.
    pending = setTimeout(() => void reload(), 300);
  };
  const dir = path.resolve(config.baseDir, config.estate.paths?.schedules ?? 'schedules');
  const watcher = watch(dir, resync);
  const timer = setInterval(resync, 60_000);
  // Queue gauges and the estate's, read from the state store like any other process's (metrics of the config it started with).
  const state = await ctx.openState(config);
  const metrics = await ctx.startMetrics({ config, state, listen: opts.listen, queue: { connection, prefix: opts.prefix } });
  ctx.logger.info({ redis: connection.safe, prefix: opts.prefix, schedules: config.schedules.size }, 'scheduler running; Ctrl-C to stop');
  await waitForStop(ctx.signal);
  watcher.close();
  clearInterval(timer);
  clearTimeout(pending);
  await metrics.stop();
  await state.close();
  return EXIT.ok;
}
