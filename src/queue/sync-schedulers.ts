import { Queue, type ConnectionOptions } from 'bullmq';
import type { LoadedConfig } from '../config/index.js';
import type { Logger } from '../domain/index.js';
import { QUEUE_OF, SCHEDULER_ID_PREFIX, schedulerId } from './names.js';
import { queueSettings, RETRY_OPTIONS } from './strategies.js';

export interface SyncResult {
  upserted: string[];
  removed: string[];
}

/**
 * Makes the BullMQ job schedulers match schedules/: upsert every enabled schedule (an
 * upsert of the same id by two schedulers is one scheduler, and each slot one job with a
 * deterministic id), remove the ones whose file is gone or disabled.
 */
export async function syncSchedulers(config: LoadedConfig, connection: ConnectionOptions, prefix: string, logger: Logger): Promise<SyncResult> {
  const result: SyncResult = { upserted: [], removed: [] };
  const wanted = new Map([...config.schedules.values()].filter((s) => s.enabled).map((s) => [schedulerId(s.name), s]));
  for (const queueName of new Set(Object.values(QUEUE_OF))) {
    const queue = new Queue(queueName, { connection, prefix, settings: queueSettings });
    try {
      for (const [id, s] of wanted) {
        if (QUEUE_OF[s.job] !== queueName) continue;
        await queue.upsertJobScheduler(id, { pattern: s.cron, tz: s.timezone }, { name: s.job, data: { schedule: s.name }, opts: { ...RETRY_OPTIONS, removeOnComplete: 1000, removeOnFail: 5000 } });
        result.upserted.push(s.name);
      }
      for (const existing of await queue.getJobSchedulers()) {
        const id = existing.key;
        // Gone, disabled, or moved to another queue because its job kind changed.
        const still = wanted.get(id);
        if (id.startsWith(SCHEDULER_ID_PREFIX) && !(still && QUEUE_OF[still.job] === queueName)) {
          await queue.removeJobScheduler(id);
          result.removed.push(id.slice(SCHEDULER_ID_PREFIX.length));
        }
      }
    } finally {
      await queue.close();
    }
  }
  logger.info({ upserted: result.upserted.length, removed: result.removed }, 'schedulers in step with schedules/');
  return result;
}
