import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../domain/index.js';
import { createLiveState, type LiveState } from './live-state.js';

/** Whether a queue job (`<queue>:<job id>`, as drills record it) is held by a live worker. */
export interface JobProbe {
  alive(jobKey: string): Promise<boolean>;
  /** The deployment's live state, so a run the sweep closes leaves the running drills. */
  live: LiveState;
  close(): Promise<void>;
}

/**
 * A worker holds a job's lock (`<prefix>:<queue>:<id>:lock`) for as long as it processes
 * it and renews it every half lock duration; a dead worker's lock expires. So a drill whose
 * job has no lock has no process running it, whatever state BullMQ still shows the job in
 * (a job stays `active` until some live worker's stalled check moves it).
 */
export function createJobProbe(connection: ConnectionOptions, prefix: string, logger?: Logger): JobProbe {
  const redis = new Redis({ ...(connection as object), maxRetriesPerRequest: 3 });
  // Without a listener ioredis prints its own lines, which break --log-format json; a probe
  // call on a broken connection still fails, so the caller hears of it either way.
  redis.on('error', (err: Error) => logger?.warn({ err: err.message }, 'job probe connection problem (reconnecting)'));
  return {
    live: createLiveState(redis, prefix),
    async alive(jobKey) {
      const at = jobKey.indexOf(':');
      if (at < 0) return false;
      return (await redis.exists(`${prefix}:${jobKey.slice(0, at)}:${jobKey.slice(at + 1)}:lock`)) === 1;
    },
    close: async () => {
      await redis.quit().catch(() => undefined);
    },
  };
}
