import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { QUEUE_OF } from '../../src/queue/index.js';
import { cliProcesses } from './spawn.js';

export const REDIS_URL = 'redis://127.0.0.1:6379';
export const REDIS_CONNECTION = { host: '127.0.0.1', port: 6379 };

/** Removes every queue and key a test made under its own BullMQ prefixes (after its processes are gone). */
export async function removeQueuePrefixes(prefixes: readonly string[]): Promise<void> {
  if (!prefixes.length) return;
  const redis = new Redis(REDIS_URL);
  try {
    for (const p of prefixes) {
      for (const q of new Set(Object.values(QUEUE_OF))) {
        const queue = new Queue(q, { connection: REDIS_CONNECTION, prefix: p });
        await queue.obliterate({ force: true });
        await queue.close();
      }
      const keys = await redis.keys(`${p}:*`);
      if (keys.length) await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
}

/**
 * The lifeboat processes and BullMQ prefixes of one Redis test file: after each test its
 * processes are killed first, then everything under its prefixes is removed.
 */
export function useQueueProcesses(): { procs: ReturnType<typeof cliProcesses>; prefixes: string[] } {
  const procs = cliProcesses();
  const prefixes: string[] = [];
  afterEach(async () => {
    procs.killAll();
    await removeQueuePrefixes(prefixes.splice(0));
  });
  return { procs, prefixes };
}
