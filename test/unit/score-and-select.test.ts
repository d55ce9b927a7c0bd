import { describe, expect, it } from 'vitest';
import type { Drill, Resource } from '../../src/config/index.js';
import { selectBackup } from '../../src/drills/index.js';
import type { BackupRef } from '../../src/providers/index.js';
import { score } from '../../src/scoring/index.js';

const H = 3_600_000;

describe('scoring', () => {
  const base = { rtoTargetMs: H, rtoAchievedMs: H / 2, rpoTargetMs: 24 * H, rpoAchievedMs: 2 * H, completenessTarget: 1, completenessAchieved: 1, restored: true };

  it('gives 100 and passes when every target is met', () => {
    expect(score(base)).toMatchObject({ score: 100, passed: true, rto: { passed: true }, rpo: { passed: true }, completeness: { passed: true } });
  });

  it('scales a missed time target by target/achieved', () => {
    const s = score({ ...base, rtoAchievedMs: 2 * H });
    expect(s).toMatchObject({ passed: false, rto: { passed: false, achieved: 2 * H } });
    // A failed drill's points (40 + 15 + 30) are scaled into 0-59.
    expect(s.score).toBe(Math.floor(((40 + 30 * 0.5 + 30) * 59) / 100));
  });

  it('weighs completeness at 40 points and fails below its target', () => {
    const s = score({ ...base, completenessAchieved: 0.75 });
    expect(s).toMatchObject({ passed: false, score: Math.floor(((100 - 10) * 59) / 100), completeness: { passed: false, achieved: 0.75 } });
  });

  it('fails RPO when nothing tells how recent the restored data is', () => {
    expect(score({ ...base, rpoAchievedMs: undefined })).toMatchObject({ passed: false, score: Math.floor((70 * 59) / 100), rpo: { achieved: null, passed: false } });
  });

  it('scores 0 and fails everything when the restore failed', () => {
    expect(score({ ...base, restored: false })).toMatchObject({ score: 0, passed: false, rto: { passed: false }, rpo: { passed: false }, completeness: { passed: false } });
  });
});

describe('choosing the backup to restore', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const resource = { id: 'r', kind: 'dump-dir', region: 'bj', path: 'p' } as Resource;
  const backup = (name: string, hoursAgo: number): BackupRef => ({
    resourceId: 'r',
    region: 'bj',
    location: `/x/${name}`,
    name,
    size: 1,
    modifiedAt: now,
    time: new Date(now.getTime() - hoursAgo * H),
    timeSource: 'manifest',
    fingerprint: name,
  });
  const list = [backup('a', 1), backup('b', 30), backup('c', 100), backup('d', 2000)];
  const bad = new Set(['a']);
  const deps = (random = 0) => ({
    catalog: { list: async () => list },
    inspector: { inspect: async (b: BackupRef) => ({ usable: !bad.has(b.name), reason: bad.has(b.name) ? 'gzip truncated' : undefined, bytesRead: 1, checkedAt: '' }) },
    now,
    random: () => random,
  });
  const drill = (sel: Drill['backup']) => ({ name: 'd', resource: 'r', sandbox: 's', backup: sel, teardown: 'always' }) as Drill;

  it('latest: the newest usable, naming what it skipped', async () => {
    const s = await selectBackup(drill('latest'), resource, deps());
    expect(s.backup.name).toBe('b');
    expect(s.skipped).toEqual([{ name: 'a', reason: 'gzip truncated' }]);
  });

  it('never picks a backup dated in the future (past the clock-skew tolerance)', async () => {
    const future = { ...deps(), catalog: { list: async () => [backup('z', -3), backup('y', -0.05), ...list] } };
    const s = await selectBackup(drill('latest'), resource, future);
    expect(s.backup.name).toBe('y');
    expect(s.skipped).toEqual([{ name: 'z', reason: 'backup time 2026-11-22T15:00:00.000Z is in the future' }]);
  });

  it('at: the newest usable at or before the time', async () => {
    expect((await selectBackup(drill({ at: '2026-11-18T09:00:00Z' }), resource, deps())).backup.name).toBe('c');
  });

  it('random-within: uniformly among usable backups in the window', async () => {
    const window = 5 * 24 * H;
    expect((await selectBackup(drill({ 'random-within': window }), resource, deps(0))).backup.name).toBe('b');
    expect((await selectBackup(drill({ 'random-within': window }), resource, deps(0.99))).backup.name).toBe('c');
  });

  it('fails clearly when nothing usable matches, or the region has no copies yet', async () => {
    await expect(selectBackup(drill({ at: '2020-01-01T00:00:00Z' }), resource, deps())).rejects.toThrow(/no usable backup of r matches/);
    const empty = { ...deps(), catalog: { list: async (_r: Resource, region?: string) => (region === 'sh' ? [] : list) } };
    await expect(selectBackup(drill({ 'latest-in-region': 'sh' }), resource, empty)).rejects.toThrow(/no usable backup of r in region sh matches/);
  });
});
