import { z } from 'zod';
import { defineCommand } from './define.js';
import { concurrency, durationMs, flag, keyPrefix, listen, LISTEN_OPTION, redisFromEnv, redisUrl } from './options.js';
import { loadConfig } from '../../config/index.js';
import { startWorkers } from '../../queue/index.js';
import { EXIT, type CliContext } from '../context.js';
import { connectionOf, waitForStop, type DistributedOptions } from '../distributed.js';
import { requireSharedState } from '../shared-state.js';

export const worker = defineCommand({
  path: ['worker'],
  description: 'distributed mode: process the queues (freshness, drill, copy, copy-verify, scrub, canary)',
  options: [
    { flags: '--redis <url>', description: 'Redis URL (default: REDIS_URL)' },
    { flags: '--prefix <prefix>', description: 'BullMQ key prefix, one per deployment', default: 'lifeboat' },
    { flags: '--concurrency <queue=n...>', description: 'jobs at once per queue, e.g. drill=2 freshness=4' },
    { flags: '--stall-timeout <duration>', description: 'a worker silent this long is taken for dead and its job handed to another (default 60s)' },
    { flags: '--shutdown-timeout <duration>', description: 'on SIGTERM, how long running jobs may take before they are aborted and requeued (default 60s)' },
    LISTEN_OPTION,
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
    listen,
    json: flag,
  }),
  run: (ctx, { stallTimeout, shutdownTimeout, ...o }) => workerCommand(ctx, { ...o, lockDurationMs: stallTimeout, shutdownMs: shutdownTimeout }),
});

/** lifeboat worker: processes every queue with per-queue concurrency until a signal, then finishes running jobs. */
async function workerCommand(ctx: CliContext, opts: DistributedOptions): Promise<number> {
  const { concurrency = {}, lockDurationMs, shutdownMs: deadline } = opts;
  const connection = connectionOf(opts);
  const config = await loadConfig(ctx.configPath);
  requireSharedState(config, 'lifeboat worker');
  const runtime = await ctx.openRuntime(config);
  const pool = startWorkers(runtime, connection, opts.prefix, ctx.logger, { concurrency, lockDurationMs });
  const metrics = await ctx.startMetrics({ config, state: runtime.state, buses: [pool.bus], listen: opts.listen, queue: { connection, prefix: opts.prefix } });
  // Every worker judges alerts on what any worker records; the state store's lock queues each transition once.
  const alerting = await ctx.startAlerting({ ...runtime, bus: pool.bus }, metrics.metrics);
  ctx.logger.info({ redis: connection.safe, prefix: opts.prefix }, 'worker running; Ctrl-C to stop');
  await waitForStop(ctx.signal);
  ctx.logger.info({ deadlineMs: deadline ?? 60_000 }, 'stopping: finishing running jobs');
  await pool.close(deadline);
  await alerting.stop();
  await metrics.stop();
  await runtime.close();
  ctx.logger.info('stopped');
  return EXIT.ok;
}
