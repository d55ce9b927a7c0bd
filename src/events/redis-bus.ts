import type { Redis } from 'ioredis';
import type { Logger } from '../domain/index.js';
import type { EventBus, EventHandler, Subscription } from './bus.js';
import { checkEvent, type LifeboatEvent } from './registry.js';

/** How many events the stream keeps for a subscriber that was away (approximately: XADD MAXLEN ~). */
const KEEP = 100_000;
const BLOCK_MS = 2000;

export const eventStreamKey = (prefix: string) => `${prefix}:events`;

/**
 * Distributed mode's bus: events cross processes and machines on a Redis stream under the
 * deployment's prefix. A subscriber reads on its own connection (XREAD blocks it) from the
 * moment it subscribes, and gets every process's events, its own included. What arrives is
 * checked against the registry: a malformed or unknown entry is logged and skipped.
 */
export function createRedisBus(redis: Redis, prefix: string, logger: Logger): EventBus {
  const key = eventStreamKey(prefix);
  const readers = new Set<{ stop(): Promise<void> }>();
  return {
    async publish(events) {
      if (!events.length) return;
      const multi = redis.multi();
      for (const e of events) multi.xadd(key, 'MAXLEN', '~', String(KEEP), '*', 'e', JSON.stringify(e));
      await multi.exec();
    },
    subscribe(handler) {
      const reader = startReader(redis.duplicate(), key, handler, logger);
      readers.add(reader);
      return {
        ready: reader.ready,
        close: () => {
          readers.delete(reader);
          void reader.stop();
        },
      };
    },
    async close() {
      await Promise.all([...readers].map((r) => r.stop()));
      readers.clear();
    },
  };
}

function startReader(conn: Redis, key: string, handler: EventHandler, logger: Logger): Pick<Subscription, 'ready'> & { stop(): Promise<void> } {
  let stopped = false;
  conn.on('error', (err: Error) => logger.warn({ err: err.message }, 'event stream connection problem (reconnecting)'));
  // Where "from now on" starts: the newest entry when subscribing (XREAD's '$' would be
  // taken only when the first read reaches the server, losing what comes before it).
  const start = conn.xrevrange(key, '+', '-', 'COUNT', 1).then((newest) => newest[0]?.[0] ?? '0-0');
  const loop = (async () => {
    let last = await start;
    while (!stopped) {
      let batch: [string, [string, string[]][]][] | null;
      try {
        batch = (await conn.xread('BLOCK', BLOCK_MS, 'STREAMS', key, last)) as typeof batch;
      } catch (err) {
        if (stopped) break;
        logger.warn({ err: (err as Error).message }, 'event stream read failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for (const [, entries] of batch ?? []) {
        for (const [id, fields] of entries) {
          last = id;
          const json = fields[fields.indexOf('e') + 1];
          let raw: unknown;
          try {
            raw = JSON.parse(json ?? '');
          } catch {
            logger.warn({ id }, 'event stream entry is not JSON: skipped');
            continue;
          }
          const checked = checkEvent(raw as { type: string; subject: string; data: unknown });
          if (!checked.ok) {
            logger.warn({ id, reason: checked.reason }, 'event stream entry does not fit the registry: skipped');
            continue;
          }
          try {
            await handler(checked.event as LifeboatEvent);
          } catch (err) {
            logger.warn({ event: checked.event.type, err: (err as Error).message }, 'an event subscriber failed');
          }
        }
      }
    }
  })();
  return {
    ready: start.then(() => undefined),
    async stop() {
      stopped = true;
      conn.disconnect();
      await loop.catch(() => undefined);
    },
  };
}
