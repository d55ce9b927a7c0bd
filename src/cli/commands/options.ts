import { z } from 'zod';
import { BYTE_RATE_HINT, DURATION_HINT, parseByteRate, parseDuration } from '../../config/index.js';
import { QUEUE_OF, redisConnection } from '../../queue/index.js';
import { DEFAULT_METRICS_LISTEN, parseListen } from '../../metrics/index.js';

/*
 * The zod pieces commands build their schemas from. Each refusal is a whole message that
 * names the option and what was expected (the wiring turns it into USAGE, exit 2): a typo
 * is refused before anything runs, not an hour later at SIGTERM nor after a demo estate,
 * a sweep and a copy pass.
 */

type Ctx = z.RefinementCtx;
const refuse = (ctx: Ctx, message: string) => {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
};
const expected = (option: string, what: string) => `${option}: expected ${what}`;

/** A flag without a value: commander gives true or nothing. */
export const flag = z.boolean().optional();

/** -r id…: commander gives the values as a list. */
export const ids = z.array(z.string()).optional();

/** A Redis URL, checked as the queue will read it, without ever echoing it (it may carry a password). */
export const redisUrl = z.string().superRefine((url, ctx) => {
  try {
    redisConnection(url);
  } catch (err) {
    refuse(ctx, expected('--redis', `a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0 (${(err as Error).message.replace(/^REDIS_URL: expected /, '')})`));
  }
});

/** A BullMQ key prefix: keys are PREFIX:queue:…, so blanks and control characters would make keys nobody can find again. */
export const keyPrefix = z.string().superRefine((prefix, ctx) => {
  // eslint-disable-next-line no-control-regex
  if (!prefix || prefix.length > 100 || /[\s\u0000-\u001f\u007f]/.test(prefix)) {
    refuse(ctx, expected('--prefix', `a non-empty key prefix of at most 100 characters without spaces or control characters, e.g. lifeboat, got ${JSON.stringify(prefix.slice(0, 120))}`));
  }
});

/** A duration such as 90s or 1h30m, in milliseconds. */
export const durationMs = (option: string, minMs = 0) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms < minMs) return refuse(ctx, expected(option, `${DURATION_HINT}${minMs ? ` (at least ${minMs / 1000}s)` : ''}, got ${JSON.stringify(text)}`));
    return ms;
  });

const QUEUES = [...new Set(Object.values(QUEUE_OF))];

/** --concurrency drill=2 freshness=4: jobs at once per queue. */
export const concurrency = z.array(z.string()).transform((pairs, ctx) => {
  const out: Record<string, number> = {};
  for (const c of pairs) {
    const m = /^([a-z-]+)=(\d+)$/.exec(c);
    if (!m || !QUEUES.includes(m[1]!) || Number(m[2]) < 1 || Number(m[2]) > 1000) {
      return refuse(ctx, expected('--concurrency', `QUEUE=N with QUEUE one of ${QUEUES.join(', ')} and N from 1 to 1000, e.g. drill=2, got ${JSON.stringify(c)}`));
    }
    out[m[1]!] = Number(m[2]);
  }
  return out;
});

/** A count such as --sample 10. */
export const positiveInt = (option: string) =>
  z.string().transform((text, ctx) => {
    const n = Number(text);
    return Number.isInteger(n) && n > 0 ? n : refuse(ctx, expected(option, `a positive whole number, got ${text}`));
  });

/** A read rate such as 50MB/s, in bytes per second. */
export const byteRate = (option: string) => z.string().transform((text, ctx) => parseByteRate(text) ?? refuse(ctx, expected(option, `${BYTE_RATE_HINT} (1KiB/s to 100GB/s), got ${text}`)));

/** An ISO time such as 2026-11-22T02:00:00Z. */
export const isoTime = (option: string) =>
  z.string().transform((text, ctx) => {
    const at = new Date(text);
    return Number.isNaN(at.getTime()) ? refuse(ctx, expected(option, `an ISO time such as 2026-11-22T02:00:00Z, got ${JSON.stringify(text)}`)) : at;
  });

/** Distributed mode's --redis defaults to REDIS_URL (an empty one counts as unset). */
export const redisFromEnv = (input: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>) => ({ ...input, redis: input.redis ?? (env.REDIS_URL || undefined) });

/** The HTTP listener of a long-running command (/metrics): host:port, or off. */
export const listen = z
  .string()
  .default(DEFAULT_METRICS_LISTEN)
  .transform((text, ctx) => {
    try {
      return parseListen(text);
    } catch (err) {
      return refuse(ctx, `--listen: ${(err as Error).message}`);
    }
  });
export const LISTEN_OPTION = { flags: '--listen <host:port>', description: 'serve /metrics here, or off', default: DEFAULT_METRICS_LISTEN };
