import { describe, expect, it } from 'vitest';
import { advance, type LifecycleOptions } from '../../../src/alerts/lifecycle.js';
import { emptyBook, type AlertBook, type Condition, type Silence } from '../../../src/alerts/types.js';

const T0 = Date.parse('2026-12-02T10:00:00.000Z');
const MIN = 60_000;

const cond = (subject: string, o: Partial<Condition> = {}): Condition => ({
  rule: 'backup-stale',
  subject,
  severity: 'critical',
  summary: `backup of ${subject} is stale`,
  details: { since: '2026-12-02T09:00:00.000Z' },
  labels: { rule: 'backup-stale', subject, resource: subject, owner: 'team-shop' },
  route: 'oncall',
  since: '2026-12-02T09:00:00.000Z',
  ...o,
});

/** Evaluations at chosen minutes after T0, each folding in what holds then; ids count up. */
function timeline(o: { forMs?: number; repeatMs?: number; groupWaitMs?: number } = {}) {
  let book: AlertBook = emptyBook();
  let n = 0;
  const opts = (at: number): LifecycleOptions => ({ now: new Date(T0 + at), forMs: () => o.forMs ?? 0, repeatMs: () => o.repeatMs ?? 240 * MIN, groupWaitMs: () => o.groupWaitMs ?? 0, newId: () => `m${++n}` });
  return {
    at(minutes: number, conditions: Condition[]) {
      const r = advance(book, conditions, opts(minutes * MIN));
      book = r.book;
      return r.changes;
    },
    /** The receiver got every message due by now (a dispatch that worked). */
    deliver(minutes: number) {
      const t = T0 + minutes * MIN;
      for (const m of Object.values(book.outbox)) if (m.state === 'pending' && Date.parse(m.notBefore) <= t) book.outbox[m.id] = { ...m, state: 'delivered', deliveredAt: new Date(t).toISOString() };
    },
    get book() {
      return book;
    },
    set book(b: AlertBook) {
      book = b;
    },
    messages: () => Object.values(book.outbox).map((m) => ({ id: m.id, alerts: m.alerts.map((a) => `${a.reason}:${a.subject}`) })),
  };
}

describe('the alert lifecycle', () => {
  it('fires once, repeats every `repeat` while firing, and resolves once when it clears', () => {
    const t = timeline({ repeatMs: 60 * MIN });
    expect(t.at(0, [cond('billing')])).toEqual({ fired: ['backup-stale:billing'], repeated: [], resolved: [] });
    t.deliver(0);
    // Evaluated every minute: nothing new until the hour is up.
    for (let m = 1; m < 60; m++) expect(t.at(m, [cond('billing')])).toEqual({ fired: [], repeated: [], resolved: [] });
    expect(t.at(60, [cond('billing')]).repeated).toEqual(['backup-stale:billing']);
    t.deliver(60);
    expect(t.at(61, []).resolved).toEqual(['backup-stale:billing']);
    expect(t.at(62, [])).toEqual({ fired: [], repeated: [], resolved: [] });
    expect(t.messages()).toEqual([
      { id: 'm1', alerts: ['firing:billing'] },
      { id: 'm2', alerts: ['repeat:billing'] },
      { id: 'm3', alerts: ['resolved:billing'] },
    ]);
    expect(t.book.alerts).toEqual({});
  });

  it('a flapping subject is not paged while its condition has not held for `for`', () => {
    const t = timeline({ forMs: 5 * MIN });
    for (let m = 0; m < 20; m += 2) {
      t.at(m, [cond('flappy')]);
      t.at(m + 1, []);
    }
    expect(t.messages()).toEqual([]);
    expect(t.at(20, [cond('flappy')]).fired).toEqual([]);
    expect(t.book.alerts['backup-stale:flappy']).toMatchObject({ status: 'pending' });
    expect(t.at(25, [cond('flappy')]).fired).toEqual(['backup-stale:flappy']);
    // It never fired before, so nothing was told that needs resolving.
    expect(t.messages()).toEqual([{ id: 'm1', alerts: ['firing:flappy'] }]);
  });

  it('groups the alerts of one route that fire within groupWait into one message', () => {
    const t = timeline({ groupWaitMs: 30_000 });
    t.at(0, [cond('a')]);
    t.at(0.25, [cond('a'), cond('b')]);
    t.at(0.4, [cond('a'), cond('b'), cond('c')]);
    // Past the group wait: the next one opens a new message.
    t.at(1, [cond('a'), cond('b'), cond('c'), cond('d')]);
    expect(t.messages()).toEqual([
      { id: 'm1', alerts: ['firing:a', 'firing:b', 'firing:c'] },
      { id: 'm2', alerts: ['firing:d'] },
    ]);
  });

  it('an alert that clears while its first message still waits is taken out, not told twice', () => {
    const t = timeline({ groupWaitMs: 30_000 });
    t.at(0, [cond('a'), cond('blip')]);
    expect(t.at(0.2, [cond('a')]).resolved).toEqual([]);
    expect(t.messages()).toEqual([{ id: 'm1', alerts: ['firing:a'] }]);
  });

  it('a silence mutes matching alerts until it ends; then a still-firing alert is told', () => {
    const t = timeline();
    const silence: Silence = { id: 's1', matchers: { owner: 'team-shop', rule: 'backup-stale' }, startsAt: new Date(T0).toISOString(), endsAt: new Date(T0 + 30 * MIN).toISOString(), reason: 'migration', createdBy: 'ann' };
    t.book = { ...t.book, silences: { s1: silence } };
    t.at(0, [cond('a'), cond('other', { labels: { rule: 'backup-stale', subject: 'other', owner: 'team-crm' } })]);
    expect(t.book.alerts['backup-stale:a']).toMatchObject({ status: 'firing', silencedBy: 's1', notifications: 0 });
    expect(t.messages()).toEqual([{ id: 'm1', alerts: ['firing:other'] }]);
    expect(t.at(29, [cond('a'), cond('other', { labels: { rule: 'backup-stale', subject: 'other', owner: 'team-crm' } })]).fired).toEqual([]);
    // Expired by itself: nobody has to remember to lift it.
    expect(t.at(30, [cond('a'), cond('other', { labels: { rule: 'backup-stale', subject: 'other', owner: 'team-crm' } })]).fired).toEqual(['backup-stale:a']);
    expect(t.book.alerts['backup-stale:a']!.silencedBy).toBeUndefined();
  });

  it('a resolve is told even under a silence, so an incident opened by its firing can close', () => {
    const t = timeline();
    t.at(0, [cond('a')]);
    t.deliver(0);
    t.book = { ...t.book, silences: { s1: { id: 's1', matchers: { subject: 'a' }, startsAt: new Date(T0).toISOString(), endsAt: new Date(T0 + 60 * MIN).toISOString(), reason: 'known', createdBy: 'ann' } } };
    t.at(5, [cond('a')]);
    expect(t.at(10, []).resolved).toEqual(['backup-stale:a']);
  });

  it('a firing that failed and waits to be retried is taken out when it clears: no resolve goes ahead of it, none is owed', () => {
    const t = timeline();
    t.at(0, [cond('a'), cond('b')]);
    // The message was tried and failed; it waits for its retry.
    const [m] = Object.values(t.book.outbox);
    t.book = { ...t.book, outbox: { [m!.id]: { ...m!, attempts: 1, lastError: 'HTTP 503', notBefore: new Date(T0 + 5 * MIN).toISOString() } } };
    expect(t.at(1, [cond('b')]).resolved).toEqual([]);
    expect(t.messages()).toEqual([{ id: 'm1', alerts: ['firing:b'] }]);
    // Once told, a resolve is owed and queued.
    t.deliver(5);
    expect(t.at(6, []).resolved).toEqual(['backup-stale:b']);
    expect(t.messages()).toEqual([
      { id: 'm1', alerts: ['firing:b'] },
      { id: 'm2', alerts: ['resolved:b'] },
    ]);
  });

  it('a planned outage mutes like a silence: tracked, not told, not resolved by the window', () => {
    const t = timeline();
    t.at(0, [cond('a')]);
    t.deliver(0);
    expect(t.at(1, [cond('a', { mutedBy: 'maintenance until 12:00: storage move' })])).toEqual({ fired: [], repeated: [], resolved: [] });
    expect(t.book.alerts['backup-stale:a']).toMatchObject({ status: 'firing', silencedBy: 'maintenance until 12:00: storage move' });
  });

  it('an alert whose route changes while firing is resolved on the old route and told as new on the new one', () => {
    const t = timeline();
    t.at(0, [cond('a')]);
    t.deliver(0);
    expect(t.at(1, [cond('a', { route: 'pager' })]).fired).toEqual(['backup-stale:a']);
    expect(Object.values(t.book.outbox).map((m) => [m.route, m.alerts.map((x) => x.reason)])).toEqual([
      ['oncall', ['firing']],
      ['oncall', ['resolved']],
      ['pager', ['firing']],
    ]);
  });

  it('an alert without a route is tracked (for `alerts` and metrics) and never queued', () => {
    const t = timeline();
    t.at(0, [cond('quiet', { route: undefined })]);
    expect(t.book.alerts['backup-stale:quiet']).toMatchObject({ status: 'firing', notifications: 0 });
    expect(t.at(1, []).resolved).toEqual([]);
    expect(t.messages()).toEqual([]);
  });

  it('keeps the newest summary of a firing alert without telling again (the backup ages, the alert is the same)', () => {
    const t = timeline();
    t.at(0, [cond('a', { summary: 'stale: 25h old' })]);
    t.at(30, [cond('a', { summary: 'stale: 25h30m old' })]);
    expect(t.book.alerts['backup-stale:a']!.condition.summary).toBe('stale: 25h30m old');
    expect(t.messages()).toHaveLength(1);
  });
});
