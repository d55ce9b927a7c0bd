import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeDump, writeEstate } from '../helpers/estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

describe('lifeboat scrub', () => {
  it('finds a backup rotted in place with the same size and mtime, exits 1 naming it, and check then shows it failing', async () => {
    const dir = await tmp();
    await writeEstate(dir, '  - { id: db, kind: dump-dir, region: local, path: db, rpo: 1000d }\n');
    const file = await writeDump(dir, 'db', 'a.sql', { at: new Date(Date.now() - 3_600_000), manifest: true, content: '-- dump\nSELECT 1;\n' });
    expect((await runCli(['check'], { cwd: dir })).code).toBe(0);
    const ok = await runCli(['scrub'], { cwd: dir });
    expect(ok.stdout).toMatch(/1 backups and 0 copies re-hashed .*, 0 bad/);
    expect(ok.code).toBe(0);

    const st = await stat(file);
    await writeFile(file, '-- dump\nSELECT 2;\n');
    await utimes(file, st.atime, st.mtime);
    const bad = await runCli(['scrub', '--rate', '10MB/s'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/! backup a\.sql of db in local: sha256 [0-9a-f]{12}… differs from the manifest's/);
    const check = await runCli(['check'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/FAILING/i);
    const ledger = await readFile(path.join(dir, 'ledger/ledger.jsonl'), 'utf8');
    expect(ledger).toMatch(/"type":"scrub.verdict"/);
  });

  it('refuses a rate it cannot read with exit 2', async () => {
    const dir = await tmp();
    await writeEstate(dir, '  - { id: db, kind: dump-dir, region: local, path: db }\n');
    const r = await runCli(['scrub', '--rate', 'fast'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(/--rate: expected a read rate like 50MB\/s/);
  });
});
