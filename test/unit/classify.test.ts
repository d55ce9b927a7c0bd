import { describe, expect, it } from 'vitest';
import { classify, type Inspected } from '../../src/freshness/classify.js';
import type { BackupRef } from '../../src/providers/index.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const H = 3_600_000;
const backup = (name: string, hoursAgo: number): BackupRef => ({
  resourceId: 'r',
  region: 'bj',
  location: `/x/${name}`,
  name,
  size: 10,
  modifiedAt: new Date(NOW.getTime() - hoursAgo * H),
  time: new Date(NOW.getTime() - hoursAgo * H),
  timeSource: 'mtime',
  fingerprint: name,
});
const ok = (b: BackupRef): Inspected => ({ backup: b, verdict: { usable: true, bytesRead: 10, checkedAt: NOW.toISOString() } });
const bad = (b: BackupRef, reason: string): Inspected => ({ backup: b, verdict: { usable: false, reason, bytesRead: 0, checkedAt: NOW.toISOString() } });
const run = (inspected: Inspected[], total = inspected.length, grace = 0) => classify({ resource: { id: 'r', kind: 'dump-dir', region: 'bj' }, now: NOW, rpoMs: 24 * H, graceMs: grace, total, inspected });

describe('freshness classification', () => {
  it('is fresh within the RPO', () => {
    const r = run([ok(backup('a', 3))]);
    expect(r.status).toBe('fresh');
    expect(r.newestUsable!.ageMs).toBe(3 * H);
  });

  it('is stale past RPO plus grace, and fresh inside the grace', () => {
    expect(run([ok(backup('a', 25))]).status).toBe('stale');
    expect(run([ok(backup('a', 25))], 1, 2 * H).status).toBe('fresh');
    expect(run([ok(backup('a', 27))], 1, 2 * H).reason).toMatch(/1d3h old, over target 1d \+ 2h grace/);
  });

  it('is missing with no backups at all', () => {
    expect(run([], 0).status).toBe('missing');
  });

  it('is failing when the newest backup is unusable, naming it and the newest usable one', () => {
    const r = run([bad(backup('new', 1), 'empty file (0 bytes)'), ok(backup('old', 5))], 2);
    expect(r.status).toBe('failing');
    expect(r.reason).toMatch(/newest backup new: empty file \(0 bytes\); newest usable old is 5h old/);
    expect(r.newestUsable!.name).toBe('old');
  });

  it('is failing when nothing is usable', () => {
    const r = run([bad(backup('a', 1), 'gzip does not decompress to its end')], 1);
    expect(r.status).toBe('failing');
    expect(r.reason).toMatch(/no usable backup/);
  });
});
