import { watch } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { LifeboatError, messageOf } from '../domain/index.js';
import { redisConnection, startWorkers, syncSchedulers } from '../queue/index.js';
import { EXIT, type CliContext } from './context.js';
import { requireSharedState } from './shared-state.js';

/** As the commands' schemas hand them over (commands/scheduler.ts, commands/worker.ts): checked and parsed. */
export interface DistributedOptions {
  redis?: string;
  prefix: string;
  /** Jobs at once per queue name. */
  concurrency?: Record<string, number>;
  /** How long a silent worker keeps its job before another takes it over (from --stall-timeout). */
  lockDurationMs?: number;
  /** How long SIGTERM waits for running jobs before aborting them (from --shutdown-timeout). */
  shutdownMs?: number;
}

const waitForStop = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });

function connectionOf(opts: DistributedOptions) {
  if (!opts.redis) throw new LifeboatError('USAGE', 'distributed mode needs Redis: set REDIS_URL or pass --redis redis://host:6379');
  return redisConnection(opts.redis);
}

/**
 * lifeboat scheduler: keeps BullMQ job schedulers in step with schedules/ (at start, on
 * every change to the folder, and every minute). Any number may run: upserts are idempotent.
 */
export async function schedulerCommand(ctx: CliContext, opts: DistributedOptions): Promise<number> {
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
  ctx.logger.info({ redis: connection.safe, prefix: opts.prefix, schedules: config.schedules.size }, 'scheduler running; Ctrl-C to stop');
  await waitForStop(ctx.signal);
  watcher.close();
  clearInterval(timer);
  clearTimeout(pending);
  return EXIT.ok;
}

/** lifeboat worker: processes every queue with per-queue concurrency until a signal, then finishes running jobs. */
export async function workerCommand(ctx: CliContext, opts: DistributedOptions): Promise<number> {
  const { concurrency = {}, lockDurationMs, shutdownMs: deadline } = opts;
  const connection = connectionOf(opts);
  const config = await loadConfig(ctx.configPath);
  requireSharedState(config, 'lifeboat worker');
  const runtime = await ctx.openRuntime(config);
  const pool = startWorkers(runtime, connection, opts.prefix, ctx.logger, { concurrency, lockDurationMs });
  ctx.logger.info({ redis: connection.safe, prefix: opts.prefix }, 'worker running; Ctrl-C to stop');
  await waitForStop(ctx.signal);
  ctx.logger.info({ deadlineMs: deadline ?? 60_000 }, 'stopping: finishing running jobs');
  await pool.close(deadline);
  await runtime.close();
  ctx.logger.info('stopped');
  return EXIT.ok;
}
