import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { liveStateKeys } from './live-state.js';
import { QUEUE_OF, SCHEDULER_ID_PREFIX } from './names.js';
import { runLog, type RunEntry } from './run-log.js';
import { queueSettings } from './strategies.js';

export interface DeploymentStatus {
  queues: { name: string; waiting: number; active: number; delayed: number; failed: number; completed: number; workers: number }[];
  schedules: { name: string; queue: string; cron?: string; timezone?: string; next: string | null; lastRun: RunEntry | null }[];
  runningDrills: { runId: string; drill: string; step: string; startedAt: string; owner: { host: string; pid: number } }[];
  freshness: Record<string, { status: string; reason: string; kind: string; region: string; checkedAt: string }>;
}

/** Everything `lifeboat status` shows, read from Redis: queues, workers alive, schedules, running drills, latest statuses. */
export async function deploymentStatus(connection: ConnectionOptions, prefix: string): Promise<DeploymentStatus> {
  const redis = new Redis({ ...(connection as object), maxRetriesPerRequest: 3 });
  try {
    const last = await runLog(redis, prefix).last();
    const status: DeploymentStatus = { queues: [], schedules: [], runningDrills: [], freshness: {} };
    for (const name of new Set(Object.values(QUEUE_OF))) {
      const queue = new Queue(name, { connection, prefix, settings: queueSettings });
      try {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
        const workers = await queue.getWorkers();
        status.queues.push({ name, waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0, completed: counts.completed ?? 0, workers: workers.length });
        for (const s of await queue.getJobSchedulers()) {
          if (!s.key.startsWith(SCHEDULER_ID_PREFIX)) continue;
          const schedule = s.key.slice(SCHEDULER_ID_PREFIX.length);
          status.schedules.push({ name: schedule, queue: name, cron: s.pattern, timezone: s.tz, next: s.next ? new Date(s.next).toISOString() : null, lastRun: last[schedule] ?? null });
        }
      } finally {
        await queue.close();
      }
    }
    const keys = liveStateKeys(prefix);
    for (const [runId, json] of Object.entries(await redis.hgetall(keys.drills))) status.runningDrills.push({ runId, ...(JSON.parse(json) as Omit<DeploymentStatus['runningDrills'][number], 'runId'>) });
    for (const [subject, json] of Object.entries(await redis.hgetall(keys.freshness))) status.freshness[subject] = JSON.parse(json) as DeploymentStatus['freshness'][string];
    status.schedules.sort((a, b) => a.name.localeCompare(b.name));
    return status;
  } finally {
    await redis.quit().catch(() => undefined);
  }
}
