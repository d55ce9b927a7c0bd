import type { AlertBook, Condition, Notification } from './types.js';

/** How long a claimed message may take before another process may try it (a crashed sender). */
export const SEND_LEASE_MS = 2 * 60_000;
/** Delivered and dead messages kept for `lifeboat alerts`, then dropped. */
export const KEEP_MS = 7 * 24 * 3600_000;

export interface RetryPolicy {
  /** Attempts before a message is dead-lettered. */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  /** 0..1; injected so tests are exact. */
  random(): number;
}

/** Exponential backoff with full jitter: base·2^(n-1), capped, scaled by a random factor in [0.5, 1]. */
export function backoffMs(attempt: number, p: RetryPolicy): number {
  const ceiling = Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + p.random() / 2));
}

/** Pure: the messages due now, claimed (state sending, a lease, one more attempt) so no other process sends them too. */
export function claimDue(book: AlertBook, now: Date): { book: AlertBook; claimed: Notification[] } {
  const t = now.getTime();
  const outbox = { ...book.outbox };
  const claimed: Notification[] = [];
  for (const n of Object.values(outbox)) {
    const due = (n.state === 'pending' || n.state === 'sending') && Date.parse(n.notBefore) <= t;
    if (!due) continue;
    const c: Notification = { ...n, state: 'sending', attempts: n.attempts + 1, notBefore: new Date(t + SEND_LEASE_MS).toISOString() };
    outbox[n.id] = c;
    claimed.push(c);
  }
  return { book: { ...book, outbox }, claimed };
}

export type SendResult = { ok: true; answer: string } | { ok: false; error: string; retry: boolean; retryAfterMs?: number };

/** Pure: a send's result recorded: delivered, back to pending after a backoff, or dead once the budget is spent or the receiver refused for good. */
export function settle(book: AlertBook, id: string, attempt: number, r: SendResult, now: Date, p: RetryPolicy): AlertBook {
  const n = book.outbox[id];
  // Claimed again by another process after this one's lease ran out: its result decides.
  if (!n || n.state !== 'sending' || n.attempts !== attempt) return book;
  const t = now.getTime();
  let next: Notification;
  if (r.ok) next = { ...n, state: 'delivered', deliveredAt: now.toISOString(), answer: r.answer, notBefore: now.toISOString() };
  else if (!r.retry || n.attempts >= p.maxAttempts) next = { ...n, state: 'dead', lastError: r.error, notBefore: now.toISOString() };
  else next = { ...n, state: 'pending', lastError: r.error, notBefore: new Date(t + Math.max(r.retryAfterMs ?? 0, backoffMs(n.attempts, p))).toISOString() };
  return { ...book, outbox: { ...book.outbox, [id]: next } };
}

/** Pure: delivered and dead messages older than KEEP_MS dropped. */
export function prune(book: AlertBook, now: Date): AlertBook {
  const cutoff = now.getTime() - KEEP_MS;
  const outbox = Object.fromEntries(Object.entries(book.outbox).filter(([, n]) => !((n.state === 'delivered' || n.state === 'dead') && Date.parse(n.notBefore) < cutoff)));
  const silences = Object.fromEntries(Object.entries(book.silences).filter(([, s]) => Date.parse(s.expiredAt ?? s.endsAt) >= cutoff));
  return { ...book, outbox, silences };
}

/**
 * Dead letters as a condition per route, until a later message to that route gets through:
 * told on the estate's delivery-failure route, never on the route that is failing.
 */
export function deliveryFailures(book: AlertBook, failureRoute: string | undefined): Condition[] {
  const byRoute = new Map<string, { dead: Notification[]; lastOk: number }>();
  for (const n of Object.values(book.outbox)) {
    const r = byRoute.get(n.route) ?? { dead: [], lastOk: 0 };
    if (n.state === 'dead') r.dead.push(n);
    if (n.state === 'delivered') r.lastOk = Math.max(r.lastOk, Date.parse(n.deliveredAt!));
    byRoute.set(n.route, r);
  }
  const out: Condition[] = [];
  for (const [route, r] of byRoute) {
    const dead = r.dead.filter((n) => Date.parse(n.notBefore) > r.lastOk);
    if (!dead.length) continue;
    const first = dead.map((n) => n.notBefore).sort()[0]!;
    out.push({
      rule: 'delivery-failures',
      subject: route,
      severity: 'critical',
      summary: `${dead.length} notification(s) to route ${route} could not be delivered: ${dead.at(-1)!.lastError ?? 'unknown error'}`,
      details: { what: dead.at(-1)!.lastError ?? null, since: first, deadLetters: dead.length, alerts: dead.reduce((k, n) => k + n.alerts.length, 0) },
      labels: { rule: 'delivery-failures', subject: route },
      since: first,
      ...(failureRoute && failureRoute !== route ? { route: failureRoute } : {}),
    });
  }
  return out;
}
