import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { LifeboatError } from '../domain/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An exclusive lock between processes, as a file created with O_EXCL. A lock left by
 * a dead process on this host, or older than staleMs anywhere, is broken.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: { timeoutMs?: number; staleMs?: number } = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const staleMs = opts.staleMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const owner = `${hostname()} ${process.pid}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(owner);
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await isStale(lockPath, staleMs)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new LifeboatError('LEDGER_LOCKED', `could not lock ${lockPath} within ${timeoutMs} ms (held by ${await readFile(lockPath, 'utf8').catch(() => '?')})`);
      await sleep(Math.min(5 + attempt * 5, 50) + Math.random() * 10);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [content, st] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const [host, pidText] = content.split(' ');
    if (host === hostname() && pidText) {
      try {
        process.kill(Number(pidText), 0);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
      }
    }
    return Date.now() - st.mtimeMs > staleMs;
  } catch {
    return false;
  }
}
