import { mkdir, readFile, stat, utimes, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { copyStatus, runCopies } from '../../src/copy/index.js';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import { runDrill } from '../../src/drills/index.js';
import { sweepFreshness } from '../../src/freshness/index.js';
import { JOB_HANDLERS, scrub } from '../../src/jobs/index.js';
import { createRuntime } from '../../src/main/runtime.js';
import { writeCopyEstate } from '../helpers/copy-estate.js';
import { writeDump } from '../helpers/estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const NOW = new Date('2026-11-22T12:00:00Z');
const H = 3_600_000;
const SQL = '-- PostgreSQL database dump\nCREATE TABLE public.t (a int);\nINSERT INTO public.t VALUES (1), (2);\n';

async function estate(dir: string, extra = '') {
  await mkdir(path.join(dir, 'drills'), { recursive: true });
  await writeFile(path.join(dir, 'drills/lite.yaml'), 'resource: db\nsandbox: lite\n');
  const config = await loadConfig(await writeCopyEstate(dir, { keep: 3, lag: '1000d', pglite: true, extra }));
  const rt = await createRuntime(config, { clock: fixedClock(NOW), logger: silentLogger, env: {} });
  return { config, rt };
}

/** Flips bytes in place, keeping size and mtime: what rot (or a careful tamperer) looks like from a stat. */
async function rotInPlace(file: string, from: string, to: string) {
  const st = await stat(file);
  await chmod(file, 0o644);
  const text = await readFile(file, 'utf8');
  expect(to.length).toBe(from.length);
  await writeFile(file, text.replace(from, to));
  await utimes(file, st.atime, st.mtime);
  await chmod(file, st.mode & 0o777);
}

const ledgerOf = async (dir: string) =>
  (await readFile(path.join(dir, 'ledger/ledger.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; subject: string; data: Record<string, unknown> });

describe('rot is found before a drill trusts it', () => {
  for (const withManifest of [true, false]) {
    it(`a backup rotted in place (same size and mtime) fails the drill in fetch and shows as failing (${withManifest ? 'manifest' : 'no manifest'})`, async () => {
      const dir = await tmp();
      const { config, rt } = await estate(dir);
      const file = await writeDump(dir, 'db', 'shop.sql', { at: new Date(NOW.getTime() - H), manifest: withManifest, content: SQL });
      // Freshness has verified it and remembers the verdict by size and mtime.
      expect((await sweepFreshness(config, rt)).results[0]!.status).toBe('fresh');
      await rotInPlace(file, 'VALUES (1), (2)', 'VALUES (7), (2)');
      // A sweep alone still trusts the cached verdict: that is what the drill must not do.
      const run = await runDrill('lite', rt);
      expect(run.phase).toBe('failed');
      const fetch = run.steps.find((s) => s.name === 'fetch')!;
      expect(fetch.ok).toBe(false);
      expect(fetch.error).toMatch(withManifest ? /shop\.sql .*re-check before restore: sha256 [0-9a-f]{12}… differs from the manifest's/ : /shop\.sql .*re-check before restore: content changed in place/);
      // Nothing was provisioned or restored: the drill stopped at the fetch.
      expect(run.steps.map((s) => [s.name, s.ok])).toEqual([
        ['locate', true],
        ['thaw', true],
        ['fetch', false],
        ['score', true],
        ['teardown', true],
      ]);
      // The verdict cache now says failing: freshness shows it without reading the file again.
      const after = await sweepFreshness(config, rt);
      expect(after.results[0]).toMatchObject({ status: 'failing', reason: expect.stringMatching(/shop\.sql/) });
      expect(after.stats.backupsInspected).toBe(0);
      // Asked again, the answer stays: rot is not forgotten at the next re-check (or scrub).
      expect((await runDrill('lite', rt)).phase).toBe('failed');
      expect((await scrub(rt)).backups).toEqual([expect.objectContaining({ name: 'shop.sql', ok: false })]);
    });
  }

  it('an untouched backup still passes its re-check and restores', async () => {
    const dir = await tmp();
    const { rt } = await estate(dir);
    // The manifest lists the table: a drill with nothing to check would be inconclusive, not passed.
    await writeDump(dir, 'db', 'shop.sql', { at: new Date(NOW.getTime() - H), manifest: { tables: [{ schema: 'public', name: 't', rows: 2 }] }, content: SQL });
    const run = await runDrill('lite', rt);
    expect(run.error).toBeUndefined();
    expect(run.phase).toBe('passed');
    expect(run.steps.find((s) => s.name === 'fetch')!.details).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('a backup time in the future beyond the clock-skew tolerance is failing, not fresh', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    await writeDump(dir, 'db', 'soon.sql', { at: new Date(NOW.getTime() + 48 * H), manifest: true, content: SQL });
    const [r] = (await sweepFreshness(config, rt)).results;
    expect(r).toMatchObject({ status: 'failing', reason: expect.stringMatching(/soon\.sql: backup time is in the future/) });
  });

  it('a copy of a backup dated in the future is failing too, not a fresh copy', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    await writeDump(dir, 'db', 'soon.sql', { at: new Date(NOW.getTime() + 48 * H), manifest: true, content: SQL });
    await runCopies(rt);
    const [c] = await copyStatus(config, rt.catalog, await rt.registry.read(), NOW);
    expect(c).toMatchObject({ status: 'failing', reason: expect.stringMatching(/soon\.sql in other: backup time is in the future/) });
  });

  it('a backup a minute ahead (clock skew) is still fresh', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    await writeDump(dir, 'db', 'skew.sql', { at: new Date(NOW.getTime() + 60_000), manifest: true, content: SQL });
    expect((await sweepFreshness(config, rt)).results[0]!.status).toBe('fresh');
  });

  it('a manifest whose file names a different file than the one it sits beside is failing', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    await writeDump(dir, 'db', 'a.sql', { at: new Date(NOW.getTime() - H), manifest: { file: 'other.sql' }, content: SQL });
    const [r] = (await sweepFreshness(config, rt)).results;
    expect(r).toMatchObject({ status: 'failing', reason: expect.stringMatching(/a\.sql: manifest describes other\.sql, not a\.sql/) });
    await writeDump(dir, 'db', 'b.sql', { at: new Date(NOW.getTime() - H / 2), manifest: { file: 'b.sql' }, content: SQL });
    expect((await sweepFreshness(config, rt)).results[0]!.status).toBe('fresh');
  });
});

describe('lifeboat scrub', () => {
  it('re-hashes backups and copies, catches same-size-and-mtime rot in both, and records each verdict', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    const a = await writeDump(dir, 'db', 'a.sql', { at: new Date(NOW.getTime() - 2 * H), manifest: true, content: SQL });
    await writeDump(dir, 'db', 'b.sql', { at: new Date(NOW.getTime() - H), content: SQL.replace('(1)', '(3)') });
    await runCopies(rt);
    const clean = await scrub(rt);
    expect(clean.backups.map((b) => [b.name, b.ok])).toEqual([
      ['b.sql', true],
      ['a.sql', true],
    ]);
    expect(clean.copies).toEqual({ checked: 3, bad: [] });

    await rotInPlace(a, 'VALUES', 'VALUEZ');
    await rotInPlace(path.join(dir, 'region2/db/b.sql'), 'VALUES', 'VALUEZ');
    const r = await scrub(rt);
    expect(r.backups.filter((b) => !b.ok)).toEqual([expect.objectContaining({ name: 'a.sql', reason: expect.stringMatching(/differs from the manifest's/) })]);
    expect(r.copies.bad).toEqual([{ region: 'other', key: 'db/b.sql', problem: expect.stringMatching(/content changed/) }]);

    const ledger = await ledgerOf(dir);
    const verdicts = ledger.filter((l) => l.type === 'scrub.verdict');
    expect(verdicts).toHaveLength(4);
    expect(verdicts.slice(2).map((v) => v.data)).toEqual([expect.objectContaining({ kind: 'backup', name: 'b.sql', ok: true }), expect.objectContaining({ kind: 'backup', name: 'a.sql', ok: false })]);
    expect(ledger.filter((l) => l.type === 'copy.verified' && l.data.ok === false)).toHaveLength(1);
    expect(ledger.at(-1)).toMatchObject({ type: 'scrub.completed', data: { backupsBad: 1, copiesBad: 1 } });
    // Freshness sees the rot the scrub found (b.sql is newer and fine, so a.sql shows as not the newest usable).
    const list = await rt.catalog.list(config.resources.get('db')!);
    expect(rt.verdicts.get(list.find((x) => x.name === 'a.sql')!)).toMatchObject({ usable: false });
  });

  it('runs from a schedule (job: scrub), and a scrub schedule naming an unknown resource is refused with its place', async () => {
    const dir = await tmp();
    await mkdir(path.join(dir, 'schedules'), { recursive: true });
    await writeFile(path.join(dir, 'schedules/nightly-scrub.yaml'), 'job: scrub\ncron: "0 3 * * *"\nrate: 20MB/s\nresources: [db]\n');
    const { config, rt } = await estate(dir);
    await writeDump(dir, 'db', 'a.sql', { at: new Date(NOW.getTime() - H), manifest: true, content: SQL });
    const schedule = config.schedules.get('nightly-scrub')!;
    expect(schedule).toMatchObject({ job: 'scrub', rate: 20e6 });
    const out = await JOB_HANDLERS.scrub({ runtime: rt, signal: new AbortController().signal }, schedule);
    expect(out).toMatchObject({ ok: true, summary: '1 backups and 0 copies re-hashed, 0 bad' });
    await writeFile(path.join(dir, 'schedules/nightly-scrub.yaml'), 'job: scrub\ncron: "0 3 * * *"\nresources: [nope]\n');
    await expect(loadConfig(path.join(dir, 'lifeboat.yaml'))).rejects.toThrow(/nightly-scrub\.yaml[\s\S]*unknown resource "nope"/);
  });

  it('keeps to its rate limit', async () => {
    const dir = await tmp();
    const { rt } = await estate(dir, 'scrub: { rate: 100KB/s }\n');
    await writeDump(dir, 'db', 'big.sql', { at: new Date(NOW.getTime() - H), content: `-- x\n${'x'.repeat(150_000)}\n` });
    const t0 = performance.now();
    const r = await scrub(rt);
    const ms = performance.now() - t0;
    expect(r.rate).toBe(100_000);
    expect(r.bytes).toBeGreaterThan(150_000);
    expect(ms).toBeGreaterThan(1300);
    const fast = performance.now();
    await scrub(rt, { rate: 1e9 });
    expect(performance.now() - fast).toBeLessThan(1000);
  });
});
