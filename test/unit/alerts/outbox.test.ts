import { describe, expect, it } from 'vitest';
import { anyDue, backoffMs, claimDue, deliveryFailures, prune, SEND_LEASE_MS, settle, type RetryPolicy } from '../../../src/alerts/outbox.js';
import { emptyBook, type AlertBook, type Notification } from '../../../src/alerts/types.js';

const T0 = Date.parse('2026-12-02T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);
const policy: RetryPolicy = { maxAttempts: 3, baseMs: 1000, maxMs: 10_000, random: () => 1 };

const message = (id: string, o: Partial<Notification> = {}): Notification => ({
  id,
  route: 'oncall',
  alerts: [{ fingerprint: 'backup-stale:a', status: 'firing', reason: 'firing', rule: 'backup-stale', subject: 'a', severity: 'critical', summary: 's', details: {}, labels: { rule: 'backup-stale', subject: 'a' }, startsAt: at(0).toISOString() }],
  createdAt: at(0).toISOString(),
  state: 'pending',
  notBefore: at(0).toISOString(),
  attempts: 0,
  ...o,
});
const bookWith = (...ms: Notification[]): AlertBook => ({ ...emptyBook(), outbox: Object.fromEntries(ms.map((m) => [m.id, m])) });

describe('the outbox', () => {
  it("claims one message per route, oldest first, once: another claimer finds nothing until the sender's lease runs out", () => {
    const book = bookWith(message('first'), message('second', { createdAt: at(1).toISOString() }), message('other', { route: 'pager' }), message('later', { route: 'mail', notBefore: at(5000).toISOString() }));
    const first = claimDue(book, at(0));
    expect(first.claimed.map((m) => [m.id, m.state, m.attempts])).toEqual([
      ['first', 'sending', 1],
      ['other', 'sending', 1],
    ]);
    expect(claimDue(first.book, at(1000)).claimed).toEqual([]);
    // The sender died: after its lease (longer by 10s for each alert it carries) another process takes the message over, as attempt 2.
    expect(claimDue(first.book, at(SEND_LEASE_MS + 10_000)).claimed.map((m) => [m.id, m.attempts])).toEqual([
      ['first', 2],
      ['other', 2],
      ['later', 1],
    ]);
    expect(anyDue(first.book, at(1000))).toBe(false);
    expect(anyDue(first.book, at(5000))).toBe(true);
  });

  it('backs off exponentially with jitter, capped, and honours a longer Retry-After', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, policy))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffMs(3, { ...policy, random: () => 0 })).toBe(2000);
    let book = claimDue(bookWith(message('m')), at(0)).book;
    book = settle(book, 'm', 1, { ok: false, retry: true, error: 'HTTP 429', retryAfterMs: 30_000 }, at(100), policy);
    expect(book.outbox.m).toMatchObject({ state: 'pending', lastError: 'HTTP 429', notBefore: at(30_100).toISOString() });
    book = claimDue(book, at(30_100)).book;
    book = settle(book, 'm', 2, { ok: false, retry: true, error: 'HTTP 503' }, at(30_200), policy);
    expect(book.outbox.m).toMatchObject({ state: 'pending', notBefore: at(32_200).toISOString() });
  });

  it('dead-letters after the retry budget, or at once when the receiver refuses for good', () => {
    let book = bookWith(message('m'), message('bad', { route: 'other' }));
    for (let attempt = 1; attempt <= 3; attempt++) {
      book = claimDue(book, at(attempt * 60_000)).book;
      book = settle(book, 'm', attempt, { ok: false, retry: true, error: `HTTP 500 (try ${attempt})` }, at(attempt * 60_000), policy);
      if (attempt === 1) book = settle(book, 'bad', 1, { ok: false, retry: false, error: 'HTTP 404' }, at(60_000), policy);
    }
    expect(book.outbox.m).toMatchObject({ state: 'dead', attempts: 3, lastError: 'HTTP 500 (try 3)' });
    expect(book.outbox.bad).toMatchObject({ state: 'dead', attempts: 1, lastError: 'HTTP 404' });
  });

  it('a late result from a sender whose claim was taken over changes nothing', () => {
    const lease = SEND_LEASE_MS + 10_000;
    let book = claimDue(bookWith(message('m')), at(0)).book;
    book = claimDue(book, at(lease)).book;
    expect(settle(book, 'm', 1, { ok: true, answer: 'HTTP 200' }, at(lease + 1), policy)).toBe(book);
    expect(settle(book, 'm', 2, { ok: true, answer: 'HTTP 200' }, at(lease + 1), policy).outbox.m).toMatchObject({ state: 'delivered', answer: 'HTTP 200' });
  });

  it('dead letters raise delivery-failures on the failure route until a later message gets through', () => {
    const dead = message('d', { state: 'dead', lastError: 'ECONNREFUSED', notBefore: at(1000).toISOString() });
    const [c] = deliveryFailures(bookWith(dead), 'pager');
    expect(c).toMatchObject({ rule: 'delivery-failures', subject: 'oncall', route: 'pager', severity: 'critical', details: { deadLetters: 1, alerts: 1 } });
    expect(c!.summary).toBe('1 notification(s) to route oncall could not be delivered: ECONNREFUSED');
    // Never told on the route that is failing.
    expect(deliveryFailures(bookWith(dead), 'oncall')[0]!.route).toBeUndefined();
    const later = message('ok', { state: 'delivered', deliveredAt: at(2000).toISOString() });
    expect(deliveryFailures(bookWith(dead, later), 'pager')).toEqual([]);
  });

  it('drops delivered and dead messages and ended silences after a week', () => {
    const week = 7 * 24 * 3600_000;
    const book = {
      ...bookWith(message('old', { state: 'delivered', notBefore: at(0).toISOString() }), message('new', { state: 'dead', notBefore: at(week).toISOString() }), message('waiting', { notBefore: at(0).toISOString() })),
      silences: { s: { id: 's', matchers: { subject: 'a' }, startsAt: at(0).toISOString(), endsAt: at(1000).toISOString(), reason: 'r', createdBy: 'c' } },
    };
    const pruned = prune(book, at(week + 2000));
    expect(Object.keys(pruned.outbox).sort()).toEqual(['new', 'waiting']);
    expect(pruned.silences).toEqual({});
  });
});
