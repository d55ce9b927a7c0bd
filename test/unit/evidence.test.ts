import { describe, expect, it } from 'vitest';
import { evidenceFor, type FreshnessResult } from '../../src/freshness/index.js';

const result = (resource: string, status: FreshnessResult['status'], checkedAt: string): FreshnessResult => ({
  resource,
  kind: 'dump-dir',
  region: 'bj',
  status,
  reason: status,
  rpoMs: 1,
  graceMs: 0,
  backups: 1,
  checkedAt,
});

describe('freshness evidence', () => {
  it('records the first status, then only changes', () => {
    let state = {};
    const types: string[] = [];
    for (const [status, at] of [
      ['fresh', '2026-11-22T01:00:00Z'],
      ['fresh', '2026-11-22T01:01:00Z'],
      ['fresh', '2026-11-22T01:02:00Z'],
      ['stale', '2026-11-22T01:03:00Z'],
      ['stale', '2026-11-22T01:04:00Z'],
      ['fresh', '2026-11-22T01:05:00Z'],
    ] as const) {
      const out = evidenceFor(state, [result('a', status, at)]);
      state = out.state;
      types.push(...out.entries.map((e) => `${e.type}:${(e.data as { to?: string }).to ?? ''}`));
    }
    expect(types).toEqual(['freshness.status-changed:fresh', 'freshness.status-changed:stale', 'freshness.status-changed:fresh']);
  });

  it("writes one summary per resource per finished day, with that day's tallies", () => {
    let { state } = evidenceFor({}, [result('a', 'fresh', '2026-11-21T10:00:00Z'), result('b', 'stale', '2026-11-21T10:00:00Z')]);
    state = evidenceFor(state, [result('a', 'stale', '2026-11-21T11:00:00Z'), result('b', 'stale', '2026-11-21T11:00:00Z')]).state;
    state = evidenceFor(state, [result('a', 'fresh', '2026-11-21T12:00:00Z'), result('b', 'stale', '2026-11-21T12:00:00Z')]).state;
    const next = evidenceFor(state, [result('a', 'fresh', '2026-11-22T00:01:00Z'), result('b', 'stale', '2026-11-22T00:01:00Z')]);
    const summaries = next.entries.filter((e) => e.type === 'freshness.daily-summary');
    expect(summaries).toHaveLength(2);
    expect(summaries.find((s) => s.subject === 'a')!.data).toMatchObject({ date: '2026-11-21', checks: 3, byStatus: { fresh: 2, stale: 1 }, worst: 'stale' });
    expect(next.entries.filter((e) => e.type === 'freshness.status-changed')).toHaveLength(0);
    expect(evidenceFor(next.state, [result('a', 'fresh', '2026-11-22T00:02:00Z')]).entries).toHaveLength(0);
  });
});
