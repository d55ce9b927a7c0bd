import type { Redis } from 'ioredis';

export interface RunEntry {
  schedule: string;
  jobId: string;
  worker: string;
  ok: boolean;
  summary: string;
  at: string;
}

/**
 * Live state for the coming dashboard and `lifeboat status`: the last run of each
 * schedule (a hash) and the newest runs (a capped list), under the deployment's prefix.
 */
export function runLog(redis: Redis, prefix: string) {
  const lastKey = `${prefix}:state:last-run`;
  const listKey = `${prefix}:state:runs`;
  return {
    async record(e: RunEntry): Promise<void> {
      const json = JSON.stringify(e);
      await redis.multi().hset(lastKey, e.schedule, json).lpush(listKey, json).ltrim(listKey, 0, 9999).exec();
    },
    async recent(n = 100): Promise<RunEntry[]> {
      return (await redis.lrange(listKey, 0, n - 1)).map((s) => JSON.parse(s) as RunEntry);
    },
    async last(): Promise<Record<string, RunEntry>> {
      const all = await redis.hgetall(lastKey);
      return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, JSON.parse(v) as RunEntry]));
    },
  };
}
