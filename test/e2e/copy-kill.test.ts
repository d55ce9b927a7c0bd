import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { cliProcesses } from '../helpers/spawn.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const tmp = useTmpDirs();
const procs = cliProcesses();
afterEach(() => procs.killAll());
const sha = async (file: string) => {
  const h = createHash('sha256');
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
};

describe('a copy killed mid-file', () => {
  it('never shows an unverified file under the final name, and the next run resumes from the verified part', async () => {
    const dir = await tmp();
    await writeFile(
      path.join(dir, 'lifeboat.yaml'),
      'version: 1\nledger: { dir: ledger }\nstateDir: state\nregions:\n  a: { kind: local, path: ra }\n  b: { kind: local, path: rb }\nresources:\n  - { id: db, kind: dump-dir, region: a, path: db, patterns: ["*.sql"] }\ncopies:\n  - { name: off, resources: [db], to: [b], keep: 1, lag: 1d, method: stream }\n',
    );
    await mkdir(path.join(dir, 'ra/db'), { recursive: true });
    const src = path.join(dir, 'ra/db/big.sql');
    // 256 MB of incompressible bytes (a plain .sql is usable once non-empty), in 1 MB blocks.
    const fh = await open(src, 'w');
    const block = randomBytes(1 << 20);
    for (let i = 0; i < 256; i++) {
      block[0] = i;
      await fh.write(block);
    }
    await fh.close();

    const partial = path.join(dir, 'rb/db/.big.sql.lifeboat-partial');
    const final = path.join(dir, 'rb/db/big.sql');
    const copy = procs.launch(['copy', 'run'], { cwd: dir });
    // Kill once more than 20 MB of the 256 MB are in the partial file: mid-file, whatever this machine's speed.
    const partialBytes = await waitFor(
      async () => {
        if (copy.gone()) throw new Error(`copy exited before the kill: ${copy.stderr()}`);
        const size = await stat(partial).then(
          (s) => s.size,
          () => 0,
        );
        return size > 20 << 20 ? size : undefined;
      },
      { timeout: 30_000, what: 'the copy to write 20 MB of its partial file', every: 5 },
    );
    expect(copy.gone()).toBe(false);
    copy.child.kill('SIGKILL');
    await copy.exited;
    // Where the kill landed: mid-file, nothing under the final name, the partial at least what was seen and short of the whole.
    await expect(stat(final)).rejects.toThrow(/ENOENT/);
    const leftover = (await stat(partial)).size;
    expect(leftover).toBeGreaterThanOrEqual(partialBytes);
    expect(leftover).toBeLessThan(256 << 20);

    const r = await runCli(['copy', 'run', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { results: { outcome: string; bytes: number }[] };
    expect(out.results).toEqual([expect.objectContaining({ outcome: 'copied' })]);
    const ledger = (await readFile(path.join(dir, 'ledger/ledger.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: { resumedFrom?: number; verified?: boolean } });
    const done = ledger.find((l) => l.type === 'copy.completed')!;
    expect(done.data.verified).toBe(true);
    expect(done.data.resumedFrom).toBeGreaterThan(0);
    expect(done.data.resumedFrom).toBeLessThanOrEqual(leftover);
    expect(out.results[0]!.bytes).toBe((256 << 20) - done.data.resumedFrom!);
    expect(await sha(final)).toBe(await sha(src));
    expect(await readdir(path.join(dir, 'rb/db'))).toEqual(['big.sql']);
    expect((await runCli(['copy', 'verify'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['copy', 'status'], { cwd: dir })).stdout).toMatch(/db → copy\s+b\s+big\.sql \(mtime\).*FRESH/);
  });
});
