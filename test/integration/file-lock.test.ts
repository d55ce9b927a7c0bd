import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/fsutil/index.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const tmp = useTmpDirs();

/** Takes the lock with a short timeout: a lock that should be broken at once must not make us wait it out. */
async function takeQuickly(lock: string): Promise<number> {
  const started = Date.now();
  await withFileLock(lock, async () => undefined, { timeoutMs: 2_000, staleMs: 60_000 });
  return Date.now() - started;
}

/** The pid of a process that has exited (so no process has it, for now). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.on('close', r));
  return child.pid!;
}

describe('file lock', () => {
  it('breaks at once a lock file with no owner in it (a writer killed before writing one)', async () => {
    const lock = path.join(await tmp(), 'ledger.lock');
    await writeFile(lock, '');
    expect(await takeQuickly(lock)).toBeLessThan(1_000);
  });

  it('breaks at once a lock whose owner on this host is dead, in the old and the new owner format', async () => {
    const dir = await tmp();
    const pid = await deadPid();
    await writeFile(path.join(dir, 'a.lock'), `${hostname()} ${pid}`);
    await writeFile(path.join(dir, 'b.lock'), `${hostname()} ${pid} 0123456789ab 12345`);
    expect(await takeQuickly(path.join(dir, 'a.lock'))).toBeLessThan(1_000);
    expect(await takeQuickly(path.join(dir, 'b.lock'))).toBeLessThan(1_000);
  });

  it('breaks a lock left by an earlier process that had our pid (a restarted container)', async () => {
    const lock = path.join(await tmp(), 'ledger.lock');
    await writeFile(lock, `${hostname()} ${process.pid} not-our-token -`);
    expect(await takeQuickly(lock)).toBeLessThan(1_000);
  });

  it('waits for a live owner, and names it when it gives up', async () => {
    const lock = path.join(await tmp(), 'ledger.lock');
    let release!: () => void;
    let inside = false;
    const held = withFileLock(lock, () => new Promise<void>((r) => ((inside = true), (release = r))));
    await waitFor(() => inside, { timeout: 5_000, what: 'the first holder to take the lock' });
    await expect(withFileLock(lock, async () => undefined, { timeoutMs: 300 })).rejects.toThrow(new RegExp(`held by ${hostname()} ${process.pid} `));
    release();
    await held;
    expect(await takeQuickly(lock)).toBeLessThan(1_000);
  });

  it('writes the owner with the lock: a writer killed at the moment of locking leaves no empty lock', async () => {
    const dir = await tmp();
    const lock = path.join(dir, 'ledger.lock');
    // The child's every file write hangs, then it is killed: with "create, then write the owner" that left an empty lock.
    const script = `
      import fs from 'node:fs';
      import { syncBuiltinESMExports } from 'node:module';
      const hang = () => new Promise(() => { process.stdout.write('hanging\\n'); });
      fs.promises.writeFile = hang;
      const fh = await fs.promises.open(process.argv[1] + '.probe', 'w');
      Object.getPrototypeOf(fh).writeFile = hang;
      Object.getPrototypeOf(fh).write = hang;
      await fh.close();
      syncBuiltinESMExports();
      const { withFileLock } = await import(${JSON.stringify(path.join(REPO_ROOT, 'dist/src/fsutil/index.js'))});
      await withFileLock(process.argv[1], async () => {});
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, lock], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.on('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const left = await readFile(lock, 'utf8').catch(() => undefined);
    expect(left === undefined || left.trim().length > 0).toBe(true);
    expect(await takeQuickly(lock)).toBeLessThan(1_000);
    expect((await readdir(dir)).filter((n) => n.endsWith('.lock'))).toEqual([]);
  });

  it("keeps the lock exclusive when many waiters break a dead owner's lock at once", async () => {
    const lock = path.join(await tmp(), 'ledger.lock');
    await writeFile(lock, `${hostname()} ${await deadPid()}`);
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withFileLock(lock, async () => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 2));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
  });
});
