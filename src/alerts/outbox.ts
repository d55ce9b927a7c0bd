import type { AlertBook, Condition, Notification } from './types.js';

/** How long a claimed message may take before another process may try it (a crashed sender). */
export const SEND_LEASE_MS = 2 * 60_000;
/** Dead letters and ended silences kept for `lifeboat alerts`, then dropped. */
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

/** How long a claimed message may take: a lease, plus a receiver's timeout for each alert (PagerDuty gets one call per alert). */
const leaseFor = (n: Notification) => SEND_LEASE_MS + n.alerts.length * 10_000;

/**
 * Pure: per route, its oldest unsent message when due, claimed (state sending, a lease, one more attempt) so no other
 * process sends it too. One message per route at a time and oldest first, so a resolve never overtakes its firing
 * (a firing waiting to be retried goes first); routes do not wait for each other.
 */
export function claimDue(book: AlertBook, now: Date): { book: AlertBook; claimed: Notification[] } {
  const t = now.getTime();
  const outbox = { ...book.outbox };
  const claimed: Notification[] = [];
  const byRoute = new Map<string, Notification[]>();
  for (const n of Object.values(outbox)) if (n.state === 'pending' || n.state === 'sending') byRoute.set(n.route, [...(byRoute.get(n.route) ?? []), n]);
  for (const list of byRoute.values()) {
    const oldest = list.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))[0]!;
    // A sending message whose lease ran out was left by a sender that died: it is taken over.
    if (Date.parse(oldest.notBefore) > t) continue;
    const c: Notification = { ...oldest, state: 'sending', attempts: oldest.attempts + 1 };
    c.notBefore = new Date(t + leaseFor(c)).toISOString();
    outbox[c.id] = c;
    claimed.push(c);
  }
  return { book: { ...book, outbox }, claimed };
}

/** Whether a dispatch now would claim anything: one with nothing to send does not take the lock or rewrite the book. */
export const anyDue = (book: AlertBook, now: Date): boolean => claimDue(book, now).claimed.length > 0;

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

/** Delivered messages kept for `lifeboat alerts`: the newest of each route, for a day. */
export const KEEP_DELIVERED = 50;
export const KEEP_DELIVERED_MS = 24 * 3600_000;

/** Pure: delivered messages past a day or past the newest 50 of their route, dead letters and ended silences past a week, dropped. */
export function prune(book: AlertBook, now: Date): AlertBook {
  const t = now.getTime();
  const delivered = new Map<string, Notification[]>();
  for (const n of Object.values(book.outbox)) if (n.state === 'delivered') delivered.set(n.route, [...(delivered.get(n.route) ?? []), n]);
  const drop = new Set<string>();
  for (const list of delivered.values()) {
    list.sort((a, b) => (b.deliveredAt ?? '').localeCompare(a.deliveredAt ?? ''));
    list.forEach((n, i) => (i >= KEEP_DELIVERED || Date.parse(n.deliveredAt ?? n.notBefore) < t - KEEP_DELIVERED_MS) && drop.add(n.id));
  }
  for (const n of Object.values(book.outbox)) if (n.state === 'dead' && Date.parse(n.notBefore) < t - KEEP_MS) drop.add(n.id);
  if (!drop.size && Object.values(book.silences).every((s) => Date.parse(s.expiredAt ?? s.endsAt) >= t - KEEP_MS)) return book;
  const outbox = Object.fromEntries(Object.entries(book.outbox).filter(([id]) => !drop.has(id)));
  const silences = Object.fromEntries(Object.entries(book.silences).filter(([, s]) => Date.parse(s.expiredAt ?? s.endsAt) >= t - KEEP_MS));
  return { ...book, outbox, silences };
}

/**
 * Dead letters as a condition per route, until a later message to that route gets through:
 * told on the estate's delivery-failure route, never on the route that is failing.
 */
export function deliveryFailures(book: AlertBook, failureRoute: string | undefined): Condition[] {
  const out: Condition[] = [];
  for (const [route, dead] of unanswered(book)) {
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

/** Per route, its dead letters newer than its last delivery: what nobody has received and nothing has made good since. */
export function unanswered(book: AlertBook): Map<string, Notification[]> {
  const byRoute = new Map<string, { dead: Notification[]; lastOk: number }>();
  for (const n of Object.values(book.outbox)) {
    const r = byRoute.get(n.route) ?? { dead: [], lastOk: 0 };
    if (n.state === 'dead') r.dead.push(n);
    if (n.state === 'delivered') r.lastOk = Math.max(r.lastOk, Date.parse(n.deliveredAt!));
    byRoute.set(n.route, r);
  }
  const out = new Map<string, Notification[]>();
  for (const [route, r] of byRoute) {
    const dead = r.dead.filter((n) => Date.parse(n.notBefore) > r.lastOk).sort((a, b) => a.notBefore.localeCompare(b.notBefore));
    if (dead.length) out.set(route, dead);
  }
  return out;
}
