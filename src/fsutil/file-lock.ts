import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, lstat, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { LifeboatError, systemClock } from '../domain/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A breaker holds its turn for a few file operations: one this old was killed midway. */
const BREAKER_STALE_MS = 10_000;

/** Tells this process apart from an earlier one that had the same pid (a restarted container). */
const PROCESS_TOKEN = randomBytes(6).toString('hex');

/**
 * An exclusive lock between processes, as a file that appears with its owner already in
 * it: the owner is written to a private temp file, which link() then gives the lock's
 * name (link fails if the name exists, like O_EXCL). A lock therefore never exists
 * empty, whatever moment its writer is killed at.
 *
 * A lock is broken at once when it names no owner (left by an older version) or an owner
 * on this host that is dead; a lock from another host, whose owner cannot be asked, is
 * broken when older than staleMs.
 *
 * Why not proper-lockfile (4.1.2): its lock is a directory that says nothing of its owner,
 * judged stale only by an mtime the holder refreshes on a timer, with stale at least 2 s.
 * A holder SIGKILLed on this host therefore blocks the ledger for the whole stale time
 * (measured: 2.15 s at its minimum stale, 10.75 s at its default), where
 * test/integration/file-lock.test.ts takes such a lock in under 1 s; its "already being
 * held" error cannot name the holder (the same test asks for it); and when an event loop
 * blocked past stale lets another process take the lock over, its default onCompromised
 * throws from a timer and ends the process.
 *
 * Waiting is timed on the monotonic clock; a lock's age is the system clock against the
 * mtime the kernel stamped from it, so neither is the injected domain clock (a test's fixed
 * clock would never let a wait end).
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: { timeoutMs?: number; staleMs?: number } = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const staleMs = opts.staleMs ?? 30_000;
  const deadline = performance.now() + timeoutMs;
  let held: number;
  for (let attempt = 0; ; attempt++) {
    const ino = await tryCreate(lockPath);
    if (ino !== undefined) {
      held = ino;
      break;
    }
    const judged = await judge(lockPath, staleMs);
    if (judged.stale) {
      await breakLock(lockPath, judged);
      continue;
    }
    if (performance.now() > deadline) throw new LifeboatError('LEDGER_LOCKED', `could not lock ${lockPath} within ${timeoutMs} ms (held by ${judged.owner || '?'})`);
    await sleep(Math.min(5 + attempt * 5, 50) + Math.random() * 10);
  }
  try {
    return await fn();
  } finally {
    // Only our own lock: if it was (wrongly) broken and taken by another, leave theirs alone.
    const st = await lstat(lockPath).catch(() => undefined);
    if (st?.ino === held) await rm(lockPath, { force: true });
  }
}

/** The lock's inode when this call created it; undefined when another holds it. */
async function tryCreate(lockPath: string): Promise<number | undefined> {
  const tmp = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, ownerLine(), { flag: 'wx' });
  try {
    await link(tmp, lockPath);
    return (await lstat(lockPath)).ino;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
}

function ownerLine(): string {
  return `${hostname()} ${process.pid} ${PROCESS_TOKEN} ${startTimeOf(process.pid) ?? '-'}`;
}

/** Linux start time of a process (clock ticks since boot): a reused pid has another. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), counted from field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

interface Judgement {
  stale: boolean;
  owner: string;
  ino?: number;
}

async function judge(lockPath: string, staleMs: number): Promise<Judgement> {
  let content: string;
  let st;
  try {
    st = await lstat(lockPath);
    content = (await readFile(lockPath, 'utf8')).trim();
  } catch {
    // Gone between our attempt and now: simply try again.
    return { stale: false, owner: '' };
  }
  if (!content) return { stale: true, owner: '', ino: st.ino };
  const [host, pidText, token, start] = content.split(' ');
  const pid = Number(pidText);
  if (host === hostname() && Number.isSafeInteger(pid) && pid > 0) return { stale: !ownerAlive(pid, token, start), owner: content, ino: st.ino };
  return { stale: ageOf(st.mtimeMs) > staleMs, owner: content, ino: st.ino };
}

const ageOf = (mtimeMs: number) => systemClock.now().getTime() - mtimeMs;

function ownerAlive(pid: number, token: string | undefined, start: string | undefined): boolean {
  if (pid === process.pid) return token === undefined || token === PROCESS_TOKEN;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = start && start !== '-' ? startTimeOf(pid) : undefined;
  return !(now !== undefined && now !== start);
}

/**
 * Removes the lock judged stale, and only that one. Breakers take turns through a second
 * lock, and under it the lock is removed only if it is still the very file judged (same
 * inode and owner line): renaming a lock aside and putting it back, as two waiters racing
 * would, lets a third take the free name meanwhile and two hold the lock at once.
 */
async function breakLock(lockPath: string, judged: Judgement): Promise<void> {
  const breaker = `${lockPath}.break`;
  if ((await tryCreate(breaker)) === undefined) {
    // Another waiter is breaking it. A breaker killed midway leaves its file: old ones go.
    const st = await lstat(breaker).catch(() => undefined);
    if (st && ageOf(st.mtimeMs) > BREAKER_STALE_MS) await rm(breaker, { force: true });
    return;
  }
  try {
    const st = await lstat(lockPath).catch(() => undefined);
    const owner = st ? (await readFile(lockPath, 'utf8').catch(() => '')).trim() : '';
    if (st && st.ino === judged.ino && owner === judged.owner) await rm(lockPath, { force: true });
  } finally {
    await rm(breaker, { force: true });
  }
}
