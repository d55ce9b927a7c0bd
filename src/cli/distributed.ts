import { LifeboatError } from '../domain/index.js';
import { redisConnection } from '../queue/index.js';

/** As the commands' schemas hand them over (commands/scheduler.ts, commands/worker.ts): checked and parsed. */
export interface DistributedOptions {
  redis?: string;
  prefix: string;
  /** Jobs at once per queue name. */
  concurrency?: Record<string, number>;
  /** How long a silent worker keeps its job before another takes it over (from --stall-timeout). */
  lockDurationMs?: number;
  /** Where /metrics is served (from --listen; undefined: off). */
  listen?: { host: string; port: number };
  /** How long SIGTERM waits for running jobs before aborting them (from --shutdown-timeout). */
  shutdownMs?: number;
}

export const waitForStop = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });

export function connectionOf(opts: DistributedOptions) {
  if (!opts.redis) throw new LifeboatError('USAGE', 'distributed mode needs Redis: set REDIS_URL or pass --redis redis://host:6379');
  return redisConnection(opts.redis);
}
