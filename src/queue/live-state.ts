import type { Redis } from 'ioredis';
import type { DrillRun } from '../drills/index.js';
import { subjectOf, type FreshnessResult } from '../freshness/index.js';

/** Where workers publish what the dashboard and `lifeboat status` show, under the deployment's prefix. */
export interface LiveState {
  freshness(results: readonly FreshnessResult[]): Promise<void>;
  drill(run: DrillRun): Promise<void>;
}

export function liveStateKeys(prefix: string) {
  return { freshness: `${prefix}:state:freshness`, drills: `${prefix}:state:drills` };
}

export function createLiveState(redis: Redis, prefix: string): LiveState {
  const keys = liveStateKeys(prefix);
  return {
    async freshness(results) {
      if (!results.length) return;
      const fields = results.flatMap((r) => [subjectOf(r), JSON.stringify({ status: r.status, reason: r.reason, kind: r.kind, region: r.region, checkedAt: r.checkedAt })]);
      await redis.hset(keys.freshness, ...fields);
    },
    async drill(run) {
      if (run.phase === 'running') {
        await redis.hset(keys.drills, run.runId, JSON.stringify({ drill: run.drill, step: run.steps.at(-1)?.name ?? 'start', startedAt: run.startedAt, owner: run.owner }));
      } else await redis.hdel(keys.drills, run.runId);
    },
  };
}
