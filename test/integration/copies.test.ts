import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { copyStatus, runCopies, verifyCopies } from '../../src/copy/index.js';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import { runDrill } from '../../src/drills/index.js';
import { createRuntime } from '../../src/main/runtime.js';
import { writeCopyEstate } from '../helpers/copy-estate.js';
import { writeDump } from '../helpers/estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const NOW = new Date('2026-11-22T12:00:00Z');
const H = 3_600_000;

async function estate(dir: string, extra = '') {
  const config = await loadConfig(await writeCopyEstate(dir, { keep: 2, lag: '26h', pglite: true, extra }));
  const clock = fixedClock(NOW);
  const rt = await createRuntime(config, { clock, logger: silentLogger, env: process.env });
  return { config, rt, clock };
}

describe('cold copies between local regions', () => {
  it('copies the newest backups with their manifests, verified, read-only, and reports copy lag', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    await writeDump(dir, 'db', 'a.sql', { at: new Date(NOW.getTime() - 30 * H), manifest: true, content: '-- a\n' });
    await writeDump(dir, 'db', 'b.sql', { at: new Date(NOW.getTime() - 5 * H), manifest: true, content: '-- b\n' });
    await writeDump(dir, 'db', 'c.sql', { at: new Date(NOW.getTime() - 1 * H), manifest: true, content: '-- c\n' });
    const first = await runCopies(rt);
    expect(first.map((r) => [r.key, r.outcome])).toEqual(
      expect.arrayContaining([
        ['db/c.sql', 'copied'],
        ['db/b.sql', 'copied'],
      ]),
    );
    expect(first).toHaveLength(2);
    const dest = path.join(dir, 'region2/db');
    expect((await readdir(dest)).sort()).toEqual(['b.sql', 'b.sql.manifest.json', 'c.sql', 'c.sql.manifest.json']);
    expect((await stat(path.join(dest, 'c.sql'))).mode & 0o222).toBe(0);
    expect((await stat(path.join(dest, 'c.sql'))).mtimeMs).toBe((await stat(path.join(dir, 'region/db/c.sql'))).mtimeMs);

    const again = await runCopies(rt);
    expect(again.map((r) => r.outcome)).toEqual(['already', 'already']);

    const status = await copyStatus(config, rt.catalog, await rt.registry.read(), NOW);
    expect(status).toEqual([expect.objectContaining({ resource: 'db', kind: 'copy', region: 'other', status: 'fresh', newestUsable: expect.objectContaining({ name: 'c.sql', ageMs: H }) })]);
    const later = await copyStatus(config, rt.catalog, await rt.registry.read(), new Date(NOW.getTime() + 30 * H));
    expect(later[0]).toMatchObject({ status: 'stale', reason: expect.stringMatching(/newest verified copy in other is 1d7h old, over target 1d2h/) });

    const ledger = (await readFile(path.join(dir, 'ledger/ledger.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
    expect(ledger.filter((r) => r.type === 'copy.completed').map((r) => r.data)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: { region: 'local', key: 'db/c.sql' }, to: { region: 'other', key: 'db/c.sql' }, size: 5, verified: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), durationMs: expect.any(Number) }),
      ]),
    );
  });

  it('reports and leaves untouched a destination holding different content under the same name', async () => {
    const dir = await tmp();
    const { config, rt } = await estate(dir);
    await writeDump(dir, 'db', 'x.sql', { at: new Date(NOW.getTime() - H), content: '-- the real one\n' });
    await mkdir(path.join(dir, 'region2/db'), { recursive: true });
    await writeFile(path.join(dir, 'region2/db/x.sql'), '-- an impostor!\n');
    const r = await runCopies(rt);
    expect(r).toEqual([expect.objectContaining({ outcome: 'conflict', detail: expect.stringMatching(/different content under this name/) })]);
    expect(await readFile(path.join(dir, 'region2/db/x.sql'), 'utf8')).toBe('-- an impostor!\n');
    expect(await readFile(path.join(dir, 'ledger/ledger.jsonl'), 'utf8')).toMatch(/"type":"copy.conflict"/);
    const [status] = await copyStatus(config, rt.catalog, await rt.registry.read(), NOW);
    expect(status).toMatchObject({ status: 'failing', reason: expect.stringMatching(/copy x\.sql in other: destination holds different content/) });
  });

  it('finds a flipped bit in a copy with copy verify', async () => {
    const dir = await tmp();
    const { rt } = await estate(dir);
    await writeDump(dir, 'db', 'x.sql.gz', { at: new Date(NOW.getTime() - H), gzip: true, manifest: true, content: 'x'.repeat(5000) });
    await runCopies(rt);
    expect(await verifyCopies(rt)).toEqual({ checked: 2, bad: [] });
    const file = path.join(dir, 'region2/db/x.sql.gz');
    await chmod(file, 0o644);
    const bytes = await readFile(file);
    bytes[20] = bytes[20]! ^ 0x01;
    const { utimes } = await import('node:fs/promises');
    const st = await stat(file);
    await writeFile(file, bytes);
    await utimes(file, st.atime, st.mtime);
    const r = await verifyCopies(rt);
    expect(r.bad).toEqual([{ region: 'other', key: 'db/x.sql.gz', problem: expect.stringMatching(/content changed: sha256/) }]);
  });

  it('restores a quarterly drill from the copy after the primary region is gone', async () => {
    const dir = await tmp();
    await mkdir(path.join(dir, 'drills'), { recursive: true });
    await writeFile(path.join(dir, 'drills/quarterly.yaml'), 'resource: db\nsandbox: lite\nbackup: { latest-in-region: other }\ncadence: quarterly\n');
    const { rt } = await estate(dir);
    await writeDump(dir, 'db', 'shop.sql', {
      at: new Date(NOW.getTime() - H),
      manifest: { tables: [{ schema: 'public', name: 't', rows: 2 }] },
      content: '-- PostgreSQL database dump\nCREATE TABLE public.t (a int);\nINSERT INTO public.t VALUES (1), (2);\n',
    });
    await runCopies(rt);
    await rm(path.join(dir, 'region'), { recursive: true, force: true });
    const run = await runDrill('quarterly', rt);
    expect(run.error).toBeUndefined();
    expect(run).toMatchObject({ phase: 'passed', backup: { region: 'other', name: 'shop.sql' } });
    expect(run.checks).toEqual([expect.objectContaining({ kind: 'row-count', passed: true, actual: 2 })]);
  });
});
