import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { runCopies, verifyCopies } from '../../src/copy/index.js';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import { createRuntime } from '../../src/main/runtime.js';
import { writeCopyEstate } from '../helpers/copy-estate.js';
import { writeDump } from '../helpers/estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const NOW = new Date('2026-11-22T12:00:00Z');
const H = 3_600_000;

async function estate(dir: string, policy: string) {
  return createRuntime(await loadConfig(await writeCopyEstate(dir, { keep: 1, lag: '26h', policy })), { clock: fixedClock(NOW), logger: silentLogger, env: {} });
}

const ledgerOf = async (dir: string) =>
  (await readFile(path.join(dir, 'ledger/ledger.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
const registryOf = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'state/copies.json'), 'utf8')) as Record<string, { storageClass?: string }>;

describe("a copy policy's storageClass", () => {
  it('is recorded in the copy registry and in the ledger event of each copy, and kept by a copy found already present', async () => {
    const dir = await tmp();
    await writeDump(dir, 'db', 'a.sql', { at: new Date(NOW.getTime() - H), manifest: true, content: '-- a\n' });
    const rt = await estate(dir, ', storageClass: STANDARD_IA');
    const first = await runCopies(rt);
    expect(first).toEqual([expect.objectContaining({ key: 'db/a.sql', outcome: 'copied', storageClass: 'STANDARD_IA' })]);
    expect(await registryOf(dir)).toEqual({
      'other:db/a.sql': expect.objectContaining({ storageClass: 'STANDARD_IA', ok: true }),
      'other:db/a.sql.manifest.json': expect.objectContaining({ storageClass: 'STANDARD_IA', ok: true }),
    });
    expect((await ledgerOf(dir)).filter((r) => r.type === 'copy.completed').map((r) => [(r.data.to as { key: string }).key, r.data.storageClass])).toEqual([['db/a.sql', 'STANDARD_IA']]);

    // Re-verifying keeps the class.
    await verifyCopies(rt);
    expect(Object.values(await registryOf(dir)).map((r) => r.storageClass)).toEqual(['STANDARD_IA', 'STANDARD_IA']);
    await rt.close();

    // The policy changes its class: the copy already there was written as STANDARD_IA, and stays recorded so.
    const later = await estate(dir, ', storageClass: DEEP_ARCHIVE');
    expect(await runCopies(later)).toEqual([expect.objectContaining({ outcome: 'already' })]);
    expect((await ledgerOf(dir)).filter((r) => r.type === 'copy.already-present').map((r) => r.data.storageClass)).toEqual(['STANDARD_IA']);
    expect((await registryOf(dir))['other:db/a.sql']!.storageClass).toBe('STANDARD_IA');

    // A new backup is written with the policy's new class.
    await writeDump(dir, 'db', 'b.sql', { at: new Date(NOW.getTime() - H / 2), content: '-- b\n' });
    expect((await runCopies(later)).map((r) => [r.key, r.outcome, r.storageClass])).toEqual([['db/b.sql', 'copied', 'DEEP_ARCHIVE']]);
    expect((await registryOf(dir))['other:db/b.sql']!.storageClass).toBe('DEEP_ARCHIVE');
    await later.close();
  });

  it('defaults to ARCHIVE; a conflict records no class', async () => {
    const dir = await tmp();
    await writeDump(dir, 'db', 'x.sql', { at: new Date(NOW.getTime() - H), content: '-- the real one\n' });
    const rt = await estate(dir, '');
    expect((await runCopies(rt)).map((r) => r.storageClass)).toEqual(['ARCHIVE']);
    expect((await registryOf(dir))['other:db/x.sql']!.storageClass).toBe('ARCHIVE');
    expect((await ledgerOf(dir)).find((r) => r.type === 'copy.completed')!.data.storageClass).toBe('ARCHIVE');

    await writeDump(dir, 'db', 'y.sql', { at: new Date(NOW.getTime() - H / 2), content: '-- the real y\n' });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'region2/db'), { recursive: true });
    await writeFile(path.join(dir, 'region2/db/y.sql'), '-- an impostor!\n');
    expect((await runCopies(rt)).find((r) => r.key === 'db/y.sql')).toMatchObject({ outcome: 'conflict' });
    expect((await ledgerOf(dir)).find((r) => r.type === 'copy.conflict')!.data.storageClass).toBeNull();
    expect((await registryOf(dir))['other:db/y.sql']!.storageClass).toBeUndefined();
    await rt.close();
  });
});
