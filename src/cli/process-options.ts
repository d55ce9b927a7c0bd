import { DURATION_HINT, parseDuration } from '../config/index.js';
import { LifeboatError } from '../domain/index.js';
import { QUEUE_OF, redisConnection } from '../queue/index.js';

/*
 * The options of the long-running commands (start, worker), checked before anything starts:
 * a typo must not surface an hour later at SIGTERM, nor after a demo estate, a sweep and a
 * copy pass have run. Each refusal names the option and what was expected (exit 2).
 */

const usage = (option: string, expected: string) => new LifeboatError('USAGE', `${option}: expected ${expected}`);

/** A Redis URL, without ever echoing it (it may carry a password). */
function checkRedis(url: string | undefined): void {
  if (url === undefined) return;
  try {
    redisConnection(url);
  } catch (err) {
    throw usage('--redis', `a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0 (${(err as Error).message.replace(/^REDIS_URL: expected /, '')})`);
  }
}

/** A BullMQ key prefix: keys are PREFIX:queue:…, so blanks and control characters would make keys nobody can find again. */
function checkPrefix(prefix: string | undefined): void {
  if (prefix === undefined) return;
  // eslint-disable-next-line no-control-regex
  if (!prefix || prefix.length > 100 || /[\s\u0000-\u001f\u007f]/.test(prefix)) throw usage('--prefix', `a non-empty key prefix of at most 100 characters without spaces or control characters, e.g. lifeboat, got ${JSON.stringify(prefix.slice(0, 120))}`);
}

function checkDuration(option: string, text: string | undefined, minMs = 0): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms < minMs) throw usage(option, `${DURATION_HINT}${minMs ? ` (at least ${minMs / 1000}s)` : ''}, got ${JSON.stringify(text)}`);
  return ms;
}

/** lifeboat start's options. */
export function checkStartOptions(opts: { redis?: string; prefix?: string }): void {
  checkRedis(opts.redis);
  checkPrefix(opts.prefix);
}

/** lifeboat worker's options, parsed: concurrency per queue, and the two deadlines in milliseconds. */
export function checkWorkerOptions(opts: { redis?: string; prefix?: string; concurrency?: string[]; stallTimeout?: string; shutdownTimeout?: string }): {
  concurrency: Record<string, number>;
  lockDurationMs?: number;
  shutdownMs?: number;
} {
  checkRedis(opts.redis);
  checkPrefix(opts.prefix);
  const queues = [...new Set(Object.values(QUEUE_OF))];
  const concurrency: Record<string, number> = {};
  for (const c of opts.concurrency ?? []) {
    const m = /^([a-z-]+)=(\d+)$/.exec(c);
    if (!m || !queues.includes(m[1]!) || Number(m[2]) < 1 || Number(m[2]) > 1000) throw usage('--concurrency', `QUEUE=N with QUEUE one of ${queues.join(', ')} and N from 1 to 1000, e.g. drill=2, got ${JSON.stringify(c)}`);
    concurrency[m[1]!] = Number(m[2]);
  }
  // BullMQ checks for stalled jobs every half lock; below a second it would do little else.
  const lockDurationMs = checkDuration('--stall-timeout', opts.stallTimeout, 2_000);
  const shutdownMs = checkDuration('--shutdown-timeout', opts.shutdownTimeout);
  return { concurrency, lockDurationMs, shutdownMs };
}
