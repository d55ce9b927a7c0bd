import type { SendResult } from '../outbox.js';

/** A receiver that has not answered by then is taken as down for this attempt. */
export const SEND_TIMEOUT_MS = 10_000;

/** Seconds, or an HTTP date: how long a 429 or 503 asks to wait; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return Math.min(s, 3600) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.min(at - now.getTime(), 3600_000));
}

/**
 * Posts a body and reads the answer as Alertmanager's retrier does: 2xx delivered; 408, 429 and 5xx worth
 * another try (honouring Retry-After); any other 4xx final (the request itself is wrong); no answer retried.
 * `okWhen` lets a receiver that answers 200 with an error code in the body (WeCom, DingTalk) say so.
 */
export async function post(url: string, body: string, headers: Record<string, string>, o: { signal?: AbortSignal; now: Date; timeoutMs?: number; okWhen?: (text: string) => string | undefined; redact?: (s: string) => string }): Promise<SendResult> {
  // Node's errors can quote the URL, which for some receivers (Slack, a robot's key) is the secret.
  const redact = (s: string) => (o.redact ?? ((x: string) => x))(s.split(url).join('<url>'));
  const timeout = AbortSignal.timeout(o.timeoutMs ?? SEND_TIMEOUT_MS);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, signal, redirect: 'error' });
  } catch (err) {
    const why = timeout.aborted ? `no answer within ${(o.timeoutMs ?? SEND_TIMEOUT_MS) / 1000}s` : causeOf(err);
    return { ok: false, retry: true, error: redact(why) };
  }
  const text = (await res.text().catch(() => '')).slice(0, 500);
  const status = `HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, ' ').trim().slice(0, 200)}` : ''}`;
  if (res.ok) {
    const problem = o.okWhen?.(text);
    return problem ? { ok: false, retry: false, error: redact(`${status} (${problem})`) } : { ok: true, answer: redact(status) };
  }
  const retry = res.status === 408 || res.status === 429 || res.status >= 500;
  return { ok: false, retry, error: redact(status), retryAfterMs: retry ? retryAfterMs(res.headers.get('retry-after'), o.now) : undefined };
}

function causeOf(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ? `${e.cause.code}${e.cause.message ? `: ${e.cause.message}` : ''}` : e.message;
}
