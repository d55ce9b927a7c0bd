import { expect, it } from 'vitest';
import { advance } from '../../../src/alerts/lifecycle.js';
import { emptyBook, type Condition } from '../../../src/alerts/types.js';
import { alertBookOver } from '../../../src/alerts/index.js';
import type { Backend } from './backends.js';

const cond = (subject: string): Condition => ({ rule: 'backup-stale', subject, severity: 'critical', summary: `${subject} is stale`, details: {}, labels: { rule: 'backup-stale', subject }, route: 'oncall', since: '2026-12-02T09:00:00.000Z' });

export function alertsContract(backend: Backend): void {
  it('alert book: alerts, outbox, silences and facts round-trip, and another process sees them', async () => {
    const place = await backend.open();
    expect(await alertBookOver(place.store.alerts).read()).toEqual(emptyBook());
    const now = new Date('2026-12-02T10:00:00.000Z');
    await alertBookOver(place.store.alerts).update((book) => {
      const { book: next } = advance(book, [cond('a'), cond('b')], { now, forMs: () => 0, repeatMs: () => 3600_000, groupWaitMs: () => 0, newId: () => 'm1' });
      return {
        book: {
          ...next,
          silences: { s1: { id: 's1', matchers: { subject: 'a' }, startsAt: now.toISOString(), endsAt: '2026-12-02T12:00:00.000Z', reason: 'r', createdBy: 'ann' } },
          facts: { scrub: { ok: false, at: now.toISOString(), detail: '1 of 3 backups changed' } },
        },
        value: undefined,
      };
    });
    const other = await place.another();
    const seen = await alertBookOver(other.alerts).read();
    expect(Object.keys(seen.alerts).sort()).toEqual(['backup-stale:a', 'backup-stale:b']);
    expect(seen.outbox.m1!.alerts.map((a) => a.subject)).toEqual(['a', 'b']);
    expect(seen.silences.s1!.reason).toBe('r');
    expect(seen.facts.scrub!.ok).toBe(false);
    // Dropped entries go (a resolved alert is deleted, not left behind).
    await alertBookOver(other.alerts).update((book) => ({ book: { ...book, alerts: {}, facts: {} }, value: undefined }));
    expect(await alertBookOver(place.store.alerts).read()).toMatchObject({ alerts: {}, facts: {}, silences: { s1: { id: 's1' } } });
    await other.close();
  });

  it('alert book: ten processes evaluating the same firing alert at once queue it once', async () => {
    const place = await backend.open();
    const stores = [place.store, ...(await Promise.all(Array.from({ length: 9 }, () => place.another())))];
    const now = new Date('2026-12-02T10:00:00.000Z');
    let ids = 0;
    const fired = await Promise.all(
      stores.map((s) =>
        alertBookOver(s.alerts).update((book) => {
          const r = advance(book, [cond('billing')], { now, forMs: () => 0, repeatMs: () => 3600_000, groupWaitMs: () => 30_000, newId: () => `m${++ids}` });
          return { book: r.book, value: r.changes.fired.length };
        }),
      ),
    );
    expect(fired.reduce((a, b) => a + b, 0)).toBe(1);
    const book = await alertBookOver(place.store.alerts).read();
    expect(Object.values(book.outbox).map((n) => n.alerts.map((a) => a.fingerprint))).toEqual([['backup-stale:billing']]);
    await Promise.all(stores.slice(1).map((s) => s.close()));
  });
}
