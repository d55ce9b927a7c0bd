import { createHash } from 'node:crypto';
import { chmod, link, lstat, mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { copyStatus, runCopies, verifyCopies } from '../../src/copy/index.js';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import { selectBackup } from '../../src/drills/index.js';
import { sweepFreshness } from '../../src/freshness/index.js';
import { createRuntime } from '../../src/main/runtime.js';
import { writeCopyEstate } from '../helpers/copy-estate.js';
import { writeDump } from '../helpers/estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const NOW = new Date('2026-11-22T12:00:00Z');
const H = 3_600_000;
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

async function estate(dir: string, policy = '') {
  const config = await loadConfig(await writeCopyEstate(dir, { keep: 2, lag: '26h', policy }));
  const rt = await createRuntime(config, { clock: fixedClock(NOW), logger: silentLogger, env: {} });
  return { config, rt };
}

/** A file outside every region that an attacker would like lifeboat to overwrite, chmod or read. */
async function outsideFile(dir: string, name = 'outside.txt', content = `precious host file\n${'#'.repeat(200)}\n`) {
  const file = path.join(dir, name);
  await writeFile(file, content, { mode: 0o644 });
  await chmod(file, 0o644);
  return file;
}

describe('region stores never follow links', () => {
  for (const method of ['auto', 'stream'] as const) {
    it(`a symlink planted at the partial path is never written through, nor chmodded (method ${method})`, async () => {
      const dir = await tmp();
      const { rt } = await estate(dir, `, method: ${method}`);
      const content = '-- real dump\nSELECT 1;\n';
      await writeDump(dir, 'db', 'c.sql', { at: new Date(NOW.getTime() - H), manifest: true, content });
      const victim = await outsideFile(dir);
      await mkdir(path.join(dir, 'region2/db'), { recursive: true });
      await symlink(victim, path.join(dir, 'region2/db/.c.sql.lifeboat-partial'));

      const r = await runCopies(rt);
      expect(await readFile(victim, 'utf8')).toBe(`precious host file\n${'#'.repeat(200)}\n`);
      expect((await stat(victim)).mode & 0o777).toBe(0o644);
      // Whatever the outcome, what carries the final name is a real, read-only file with the backup's bytes.
      expect(r.find((x) => x.key === 'db/c.sql')?.outcome).toBe('copied');
      const final = await lstat(path.join(dir, 'region2/db/c.sql'));
      expect(final.isFile()).toBe(true);
      expect(final.isSymbolicLink()).toBe(false);
      expect(final.mode & 0o222).toBe(0);
      expect(await readFile(path.join(dir, 'region2/db/c.sql'), 'utf8')).toBe(content);
      expect(await readdir(path.join(dir, 'region2/db'))).not.toContain('.c.sql.lifeboat-partial');
    });
  }

  it('a destination folder that is a link out of the region is refused, nothing is written there', async () => {
    const dir = await tmp();
    const { rt } = await estate(dir);
    await writeDump(dir, 'db', 'c.sql', { at: new Date(NOW.getTime() - H), content: '-- c\n' });
    const elsewhere = path.join(dir, 'elsewhere');
    await mkdir(elsewhere);
    await mkdir(path.join(dir, 'region2'), { recursive: true });
    await symlink(elsewhere, path.join(dir, 'region2/db'));
    const r = await runCopies(rt);
    expect(r).toEqual([expect.objectContaining({ outcome: 'error', detail: expect.stringMatching(/link/) })]);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('a destination final name that is a link back into the source region is a conflict, never a fresh copy', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    const src = await writeDump(dir, 'db', 'c.sql', { at: new Date(NOW.getTime() - H), manifest: true, content: '-- c\n' });
    const before = await stat(src);
    await mkdir(path.join(dir, 'region2/db'), { recursive: true });
    await symlink(src, path.join(dir, 'region2/db/c.sql'));

    const r = await runCopies(rt);
    expect(r.find((x) => x.key === 'db/c.sql')).toMatchObject({ outcome: 'conflict', detail: expect.stringMatching(/symbolic link/) });
    const [status] = await copyStatus(config, rt.catalog, await rt.registry.read(), NOW);
    expect(status).toMatchObject({ status: 'failing', reason: expect.stringMatching(/symbolic link/) });
    // The source backup is untouched: not chmodded, not re-timed, still a plain file.
    const after = await stat(src);
    expect(after.mode).toBe(before.mode);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect((await lstat(path.join(dir, 'region2/db/c.sql'))).isSymbolicLink()).toBe(true);
  });

  it('a symlink in a source region named like a backup is an unusable backup with the reason: never hashed, copied or chosen by a drill', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    await writeDump(dir, 'db', 'a.sql', { at: new Date(NOW.getTime() - 2 * H), manifest: true, content: '-- a real backup\n' });
    const secret = await outsideFile(dir, 'secret.sql', '-- host secret\nSELECT 42;\n');
    const planted = path.join(dir, 'region/db/z.sql');
    await symlink(secret, planted);
    await utimes(planted, NOW, NOW).catch(() => undefined);

    const list = await rt.catalog.list(config.resources.get('db')!);
    expect(list.map((b) => b.name).sort()).toEqual(['a.sql', 'z.sql']);
    const z = list.find((b) => b.name === 'z.sql');
    const v = await rt.inspector.inspect(z!);
    expect(v).toMatchObject({ usable: false, bytesRead: 0, reason: expect.stringMatching(/symbolic link/) });
    expect(v.sha256).toBeUndefined();

    const { results } = await sweepFreshness(config, rt);
    expect(results[0]).toMatchObject({ status: 'failing', reason: expect.stringMatching(/z\.sql: .*symbolic link/) });

    const copies = await runCopies(rt);
    expect(copies.map((c) => c.key)).toEqual(['db/a.sql']);
    expect((await readdir(path.join(dir, 'region2/db'))).filter((n) => !n.endsWith('.manifest.json'))).toEqual(['a.sql']);

    const drill = { name: 'd', resource: 'db', sandbox: 's', backup: 'latest' } as never;
    const sel = await selectBackup(drill, config.resources.get('db')!, { ...rt, now: NOW });
    expect(sel.backup.name).toBe('a.sql');
    expect(sel.skipped).toEqual([{ name: 'z.sql', reason: expect.stringMatching(/symbolic link/) }]);
  });

  it('a resource folder that is a link out of the region is never listed, one by one or in a batch', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    const etc = path.join(dir, 'host-etc');
    await mkdir(etc);
    await writeFile(path.join(etc, 'passwd.sql'), 'root:x:0:0\n');
    await mkdir(path.join(dir, 'region'), { recursive: true });
    await symlink(etc, path.join(dir, 'region/db'));
    const db = config.resources.get('db')!;
    await expect(rt.catalog.list(db)).rejects.toThrow(/symbolic link/);
    await rt.catalog.prefetch!([db]);
    await expect(rt.catalog.list(db)).rejects.toThrow(/symbolic link/);
    const { results } = await sweepFreshness(config, rt);
    expect(results[0]).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/symbolic link/) });
  });

  it('a verified copy swapped for a link (to identical bytes) is reported by copy verify and copy status, never re-hashed through the link', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    const content = '-- c\n';
    await writeDump(dir, 'db', 'c.sql', { at: new Date(NOW.getTime() - H), content });
    await runCopies(rt);
    const twin = await outsideFile(dir, 'twin.sql', content);
    await rm(path.join(dir, 'region2/db/c.sql'), { force: true });
    await symlink(twin, path.join(dir, 'region2/db/c.sql'));
    const v = await verifyCopies(rt);
    expect(v.bad).toEqual([{ region: 'other', key: 'db/c.sql', problem: expect.stringMatching(/symbolic link/) }]);
    const [status] = await copyStatus(config, rt.catalog, await rt.registry.read(), NOW);
    expect(status).toMatchObject({ status: 'failing', reason: expect.stringMatching(/c\.sql in other: .*symbolic link/) });
  });

  it('a manifest that is a symlink is never read', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    const content = '-- a\n';
    await writeDump(dir, 'db', 'a.sql', { at: new Date(NOW.getTime() - H), content });
    const fake = await outsideFile(dir, 'fake.json', JSON.stringify({ version: 1, sha256: sha(content), consistentPoint: NOW.toISOString() }));
    await symlink(fake, path.join(dir, 'region/db/a.sql.manifest.json'));
    const [a] = await rt.catalog.list(config.resources.get('db')!);
    expect(a!.manifest).toBeUndefined();
    expect(a!.manifestError).toMatch(/symbolic link/);
  });
});

describe('never a half-published copy', () => {
  it('a copy killed right after its final link is repaired, and its age comes from the backup, not the copy file', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    // A 10-day-old backup, no manifest and no time in its name: its own time is its mtime in the source region.
    const content = '-- old backup\n';
    await writeDump(dir, 'db', 'old.sql', { at: new Date(NOW.getTime() - 240 * H), content });
    // The state a kill between link() and the rest of the commit leaves: final and partial
    // are one inode, writable, with the copy's own (recent) mtime.
    const d2 = path.join(dir, 'region2/db');
    await mkdir(d2, { recursive: true });
    await writeFile(path.join(d2, '.old.sql.lifeboat-partial'), content, { mode: 0o644 });
    await link(path.join(d2, '.old.sql.lifeboat-partial'), path.join(d2, 'old.sql'));
    await utimes(path.join(d2, 'old.sql'), NOW, NOW);

    const r = await runCopies(rt);
    expect(r.map((x) => [x.key, x.outcome])).toEqual([['db/old.sql', 'already']]);
    expect(await readdir(d2)).toEqual(['old.sql']);
    const st = await stat(path.join(d2, 'old.sql'));
    expect(st.mode & 0o222).toBe(0);
    expect(st.nlink).toBe(1);
    const [status] = await copyStatus(config, rt.catalog, await rt.registry.read(), NOW);
    expect(status).toMatchObject({ status: 'stale', newestUsable: expect.objectContaining({ name: 'old.sql', ageMs: 240 * H }) });
    const ledger = await readFile(path.join(dir, 'ledger/ledger.jsonl'), 'utf8');
    expect(ledger).toMatch(/"type":"copy.repaired"/);
  });

  it('a writable final name hard-linked to a file outside the region is never chmodded', async () => {
    const dir = await tmp();
    const { rt } = await estate(dir);
    const content = '-- same bytes\n';
    await writeDump(dir, 'db', 'h.sql', { at: new Date(NOW.getTime() - H), content });
    const outside = await outsideFile(dir, 'host-file.sql', content);
    await mkdir(path.join(dir, 'region2/db'), { recursive: true });
    await link(outside, path.join(dir, 'region2/db/h.sql'));
    const r = await runCopies(rt);
    expect(r[0]).toMatchObject({ outcome: 'error', detail: expect.stringMatching(/hard links: not sealed/) });
    expect((await stat(outside)).mode & 0o777).toBe(0o644);
  });

  it('a leftover partial whose final name holds something else is removed, the final left alone', async () => {
    const dir = await tmp();
    const { rt } = await estate(dir);
    await writeDump(dir, 'db', 'x.sql', { at: new Date(NOW.getTime() - H), content: '-- x\n' });
    const d2 = path.join(dir, 'region2/db');
    await mkdir(d2, { recursive: true });
    await writeFile(path.join(d2, 'x.sql'), '-- x\n', { mode: 0o444 });
    await writeFile(path.join(d2, '.x.sql.lifeboat-partial'), '-- half\n');
    await runCopies(rt);
    expect(await readdir(d2)).toEqual(['x.sql']);
  });

  it('a stream copy never publishes source bytes that do not match the manifest sha256', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir, ', method: stream');
    const good = '-- the backup as written\n';
    const file = await writeDump(dir, 'db', 'm.sql', { at: new Date(NOW.getTime() - H), manifest: true, content: good });
    // Freshness has seen the good bytes (and cached its verdict); then they rot in place, same size and mtime.
    await sweepFreshness(config, rt);
    const st = await stat(file);
    await writeFile(file, good.replace('written', 'WRITTEN'));
    await utimes(file, st.atime, st.mtime);

    const r = await runCopies(rt);
    const m = r.find((x) => x.key === 'db/m.sql')!;
    expect(m.outcome).toBe('source-bad');
    expect(m.detail).toMatch(/db\/m\.sql/);
    expect(m.detail).toMatch(/sha256 [0-9a-f]{12}/);
    expect(await readdir(path.join(dir, 'region2/db')).catch(() => [])).not.toContain('m.sql');
  });
});
