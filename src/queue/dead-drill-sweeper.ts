import type { ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { messageOf, type Logger } from '../domain/index.js';
import { sweepDeadDrills } from '../drills/index.js';
import type { Runtime } from '../jobs/index.js';
import { createJobProbe } from './job-probe.js';
import type { LiveState } from './live-state.js';

export const DEFAULT_SWEEP_EVERY_MS = 5 * 60_000;

/**
 * Distributed mode's sweep, run by every worker pool at start and then periodically: runs
 * whose queue job no worker holds any more are marked abandoned (with when they were last
 * seen) and their sandboxes torn down. One pool sweeps at a time (a lock under the
 * prefix), so a death is ledgered once however many workers notice it.
 */
export function startDeadDrillSweeper(runtime: Runtime, redis: Redis, connection: ConnectionOptions, prefix: string, logger: Logger, opts: { everyMs?: number; holder: string; live?: LiveState }): { sweepNow(): Promise<void>; stop(): Promise<void> } {
  const everyMs = opts.everyMs ?? DEFAULT_SWEEP_EVERY_MS;
  const probe = createJobProbe(connection, prefix, logger);
  const lockKey = `${prefix}:sweep:lock`;
  let running: Promise<void> = Promise.resolve();
  const sweepOnce = async () => {
    try {
      if ((await redis.set(lockKey, opts.holder, 'PX', Math.max(10_000, Math.min(everyMs, 60_000)), 'NX')) !== 'OK') return;
      const r = await sweepDeadDrills({ ...runtime, live: opts.live }, { jobAlive: probe.alive });
      if (r.abandoned.length || r.removed.length || r.failed.length) {
        logger.warn({ abandoned: r.abandoned.map((a) => a.runId), removed: r.removed.length, failed: r.failed.length, stuck: r.stuck.length }, 'swept drills whose worker died');
      }
    } catch (err) {
      logger.warn({ err: messageOf(err) }, 'sweep of dead drills failed; next time');
    }
  };
  const sweepNow = () => (running = running.then(sweepOnce));
  void sweepNow();
  const timer = setInterval(() => void sweepNow(), everyMs);
  timer.unref();
  return {
    sweepNow,
    async stop() {
      clearInterval(timer);
      // A sweep waiting on a Redis that is down must not hold the shutdown.
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((r) => (wait = setTimeout(r, 5000)))]);
      clearTimeout(wait);
      await probe.close();
    },
  };
}
