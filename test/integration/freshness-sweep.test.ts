import { writeFile, utimes, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { fixedClock } from '../../src/domain/clock.js';
import { silentLogger } from '../../src/domain/logger.js';
import { recordFreshness, sweepFreshness } from '../../src/freshness/index.js';
import { createRuntime } from '../../src/main/runtime.js';
import { writeDump, writeEstate } from '../helpers/estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const NOW = new Date('2026-11-22T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const res = (id: string, extra = '') => `  - id: ${id}\n    kind: dump-dir\n    region: local\n    path: ${id}\n    rpo: 24h\n${extra}`;

async function setup(resources: string[]) {
  const dir = await tmp();
  const config = await loadConfig(await writeEstate(dir, resources.join('')));
  const clock = fixedClock(NOW);
  const rt = await createRuntime(config, { clock, logger: silentLogger });
  const sweep = async () => (await sweepFreshness(config, rt)).results;
  return { dir, config, rt, clock, sweep };
}

describe('freshness on real folders', () => {
  it('tells fresh, stale, missing and failing apart, with reasons', async () => {
    const { dir, sweep } = await setup(['fresh', 'stale', 'missing', 'empty', 'truncated', 'badsize', 'badsha'].map((id) => res(id)));
    await writeDump(dir, 'fresh', 'a.sql.gz', { at: hoursAgo(2), gzip: true, manifest: true });
    await writeDump(dir, 'stale', 'a.sql.gz', { at: hoursAgo(30), gzip: true });
    await writeDump(dir, 'empty', 'b.sql', { at: hoursAgo(1), content: '' });
    await writeDump(dir, 'truncated', 'a.sql.gz', { at: hoursAgo(5), gzip: true });
    await writeDump(dir, 'truncated', 'b.sql.gz', { at: hoursAgo(1), gzip: true, truncate: true });
    await writeDump(dir, 'badsize', 'a.sql.gz', { at: hoursAgo(1), gzip: true, manifest: { size: 1 } });
    await writeDump(dir, 'badsha', 'a.sql', { at: hoursAgo(1), manifest: { sha256: 'a'.repeat(64) } });

    const byId = Object.fromEntries((await sweep()).map((r) => [r.resource, r]));
    expect(byId.fresh).toMatchObject({ status: 'fresh', newestUsable: { name: 'a.sql.gz', timeSource: 'manifest', ageMs: 2 * 3_600_000 } });
    expect(byId.stale).toMatchObject({ status: 'stale', reason: expect.stringMatching(/1d6h old, over target 1d/) });
    expect(byId.missing).toMatchObject({ status: 'missing', reason: 'no backup files found' });
    expect(byId.empty).toMatchObject({ status: 'failing', reason: expect.stringMatching(/empty file \(0 bytes\)/) });
    expect(byId.truncated).toMatchObject({ status: 'failing', reason: expect.stringMatching(/b\.sql\.gz: gzip does not decompress to its end.*newest usable a\.sql\.gz is 5h old/) });
    expect(byId.badsize).toMatchObject({ status: 'failing', reason: expect.stringMatching(/differs from the manifest's 1/) });
    expect(byId.badsha).toMatchObject({ status: 'failing', reason: expect.stringMatching(/sha256 .* differs from the manifest's aaaaaaaaaaaa/) });
  });

  it('takes the time from the manifest, else the name, else the mtime', async () => {
    const { dir, sweep } = await setup([res('m'), res('n', '    nameTime: "{YYYY}{MM}{DD}-{hh}{mm}"\n'), res('t')]);
    await writeDump(dir, 'm', 'x.sql', { at: hoursAgo(3), manifest: true });
    await writeDump(dir, 'n', 'db-20261122-0900.sql', { at: hoursAgo(1) });
    await writeDump(dir, 't', 'x.sql', { at: hoursAgo(4) });
    const byId = Object.fromEntries((await sweep()).map((r) => [r.resource, r.newestUsable]));
    expect(byId.m).toMatchObject({ timeSource: 'manifest', ageMs: 3 * 3_600_000 });
    expect(byId.n).toMatchObject({ timeSource: 'name', ageMs: 3 * 3_600_000 });
    expect(byId.t).toMatchObject({ timeSource: 'mtime', ageMs: 4 * 3_600_000 });
  });

  it('reads a backup once: a repeated sweep inspects nothing until the file changes', async () => {
    const { dir, config, rt } = await setup([res('r')]);
    const file = await writeDump(dir, 'r', 'a.sql.gz', { at: hoursAgo(1), gzip: true });
    const first = await sweepFreshness(config, rt);
    expect(first.stats.backupsInspected).toBe(1);
    const again = await sweepFreshness(config, rt);
    expect(again.stats.backupsInspected).toBe(0);
    expect(again.results[0]!.status).toBe('fresh');

    // The cache survives a restart (a new runtime reads it from the state folder).
    const restarted = await createRuntime(config, { clock: fixedClock(NOW), logger: silentLogger });
    expect((await sweepFreshness(config, restarted)).stats.backupsInspected).toBe(0);

    // Same name, new content: size and mtime move, so it is read again and judged anew.
    await writeFile(file, (await readFile(file)).subarray(0, 10));
    await utimes(file, hoursAgo(1), hoursAgo(1));
    const changed = await sweepFreshness(config, rt);
    expect(changed.stats.backupsInspected).toBe(1);
    expect(changed.results[0]!.status).toBe('failing');
  });

  it('writes a ledger record on each status change, not on every check', async () => {
    const { dir, config, rt, clock, sweep } = await setup([res('r')]);
    await writeDump(dir, 'r', 'a.sql', { at: hoursAgo(1) });
    const record = async () => recordFreshness(await sweep(), { events: rt.events, freshness: rt.state.freshness });
    expect((await record()).map((e) => e.type)).toEqual(['freshness.status-changed']);
    expect(await record()).toEqual([]);
    clock.advance(24 * 3_600_000);
    // A new day: the finished day's summary, then the change seen today.
    expect((await record()).map((e) => [e.type, (e.data as { to?: string; date?: string }).to ?? (e.data as { date?: string }).date])).toEqual([
      ['freshness.daily-summary', '2026-11-22'],
      ['freshness.status-changed', 'stale'],
    ]);
    expect(await record()).toEqual([]);
    clock.advance(24 * 3_600_000);
    expect((await record()).map((e) => e.type)).toEqual(['freshness.daily-summary']);
    const report = await rt.ledger.verify();
    expect(report).toMatchObject({ ok: true, records: 4 });
    expect(path.basename(config.ledgerDir)).toBe('ledger');
  });
});
