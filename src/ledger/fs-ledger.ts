import { mkdir, open, readdir, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { LifeboatError } from '../domain/index.js';
import { withFileLock, writeFileAtomic } from '../fsutil/index.js';
import type { Ledger, VerifyReport } from './ledger.js';
import { chainRecords, ledgerFromBackend, type LedgerBackendOptions } from './ledger-backend.js';
import { GENESIS_HASH, hashRecord, parseRecordLine, recordLine, recordMessage, type LedgerEntry, type LedgerRecord } from './record.js';
import { makeSeal, parseSeal, type Seal } from './seal.js';
import { advanceWitness, guardTail } from './sealing.js';
import type { LedgerSigner } from './signing.js';
import { verifySealed } from './verify-sealed.js';

const TAIL_CHUNK = 64 * 1024;

export interface FsLedgerOptions extends LedgerBackendOptions {
  dir: string;
}

/**
 * Filesystem ledger: one JSON line per record in ledger.jsonl, fsynced before append
 * returns. Appends take a lock file, so several processes on one host (or one NFS
 * mount) share a single chain. head.json keeps the seal of the last acknowledged record
 * so a cut tail shows up in verify; the witness keeps the same seal somewhere else, so
 * deleting both the tail and head.json shows up too.
 */
export function createFsLedger(opts: FsLedgerOptions): Ledger {
  const file = path.join(opts.dir, 'ledger.jsonl');
  const headFile = path.join(opts.dir, 'head.json');
  const lockFile = path.join(opts.dir, 'ledger.lock');
  const tornDir = path.join(opts.dir, 'torn');

  const appendLocked = async (entries: readonly LedgerEntry[], signer: LedgerSigner | undefined): Promise<LedgerRecord[]> => {
    await mkdir(opts.dir, { recursive: true });
    return withFileLock(lockFile, async () => {
      const tail = await readTail(file);
      let last = tail.last;
      const completed = tail.torn ? completable(tail.torn, last) : undefined;
      const head = await readHead(headFile);
      // A head that is there but not a seal was tampered with: writing a new one over it would hide that.
      if (head === 'garbled') throw new LifeboatError('LEDGER_TAMPERED', `${headFile} is not a seal. Nothing is appended; run lifeboat ledger verify`);
      await guardTail(opts.dir, completed ?? last, head, opts.sealing?.witness);
      if (tail.torn) last = await setAsideTorn(tail.torn, tail.tornOffset, last, completed, signer);
      const at = opts.clock.now();
      const sealed = chainRecords(entries, last, at, signer);
      await appendDurably(file, sealed.map(recordLine).join(''));
      // Head, then witness: a crash between them leaves the witness behind, never ahead.
      const seal = makeSeal(sealed.at(-1)!, at, signer);
      await writeHead(seal);
      await advanceWitness(opts.sealing?.witness, seal, opts.logger);
      return sealed;
    });
  };

  /** A torn tail that is a whole, valid next record whose newline was cut. */
  const completable = (fragment: Buffer, last: LedgerRecord | undefined): LedgerRecord | undefined => {
    const c = parseRecordLine(fragment.toString('utf8'));
    const whole = c && hashRecord(c) === c.hash && c.seq === (last?.seq ?? 0) + 1 && c.prev === (last?.hash ?? GENESIS_HASH);
    // With a key, only a record that this key signed is taken in; anything else is set aside (and that is recorded).
    const v = opts.sealing?.verifier;
    return whole && (!v || (c.sig && c.kid === v.kid && v.verify(recordMessage(c.hash), c.sig))) ? c : undefined;
  };

  /** A crash mid-write leaves a partial last line: keep it whole if it is a valid next record, else move it aside and say so. */
  const setAsideTorn = async (fragment: Buffer, offset: number, last: LedgerRecord | undefined, candidate: LedgerRecord | undefined, signer: LedgerSigner | undefined): Promise<LedgerRecord | undefined> => {
    const fh = await open(file, 'r+');
    const aside = path.join(tornDir, `after-${last?.seq ?? 0}-${opts.clock.now().toISOString().replace(/[:.]/g, '')}.fragment`);
    try {
      if (candidate) {
        await fh.write('\n', offset + fragment.length);
        await fh.sync();
        opts.logger.warn({ seq: candidate.seq }, 'ledger: completed a last record whose newline was cut by a crash');
        return candidate;
      }
      await mkdir(tornDir, { recursive: true });
      await writeFile(aside, fragment, { flush: true });
      await fh.truncate(offset);
      await fh.sync();
      opts.logger.warn({ bytes: fragment.length, savedAs: aside }, 'ledger: a torn last record (crash mid-append) was set aside');
    } finally {
      await fh.close();
    }
    const noted = chainRecords([{ type: 'ledger.torn-record-set-aside', subject: 'ledger', data: { bytes: fragment.length, savedAs: path.relative(opts.dir, aside), afterSeq: last?.seq ?? 0 } }], last, opts.clock.now(), signer)[0]!;
    await appendDurably(file, recordLine(noted));
    return noted;
  };

  const writeHead = (seal: Seal) => writeFileAtomic(headFile, JSON.stringify(seal), { durable: true });

  return ledgerFromBackend({
    sealing: opts.sealing,
    appendBatch: appendLocked,
    lines: () => lines(file),
    async verify(): Promise<VerifyReport> {
      const collected: { position: number; text: string }[] = [];
      let endsTorn = false;
      for await (const l of lines(file)) {
        collected.push(l);
        endsTorn = !l.terminated;
      }
      const notes: string[] = [];
      if (endsTorn) {
        const torn = collected.pop()!;
        notes.push(`line ${torn.position} is a torn record from an interrupted append; the next append sets it aside`);
      }
      const head = await readHead(headFile);
      const report = await verifySealed(collected, head === 'garbled' ? undefined : head, opts.sealing, headFile);
      if (head === 'garbled') {
        const problem = { kind: 'unreadable' as const, position: collected.length + 1, message: `the head seal (${headFile}) is there but is not a seal` };
        return { ...report, ok: false, problems: [...report.problems.filter((p) => p.kind !== 'head-missing'), problem], notes: [...notes, ...report.notes] };
      }
      const tornFiles = await readdirSafe(tornDir);
      if (tornFiles.length) notes.push(`${tornFiles.length} torn fragment(s) were set aside in ${tornDir}`);
      return { ...report, notes: [...notes, ...report.notes] };
    },
  });
}

async function appendDurably(file: string, text: string): Promise<void> {
  const fh = await open(file, 'a');
  try {
    await fh.write(text);
    await fh.sync();
  } catch (err) {
    throw new LifeboatError('LEDGER_IO', `cannot append to ledger ${file}: ${(err as Error).message}`, { cause: err });
  } finally {
    await fh.close();
  }
}

interface Tail {
  last?: LedgerRecord;
  torn?: Buffer;
  tornOffset: number;
}

/** Reads backwards only as far as the last complete line, so appending stays O(1) in ledger size. */
async function readTail(file: string): Promise<Tail> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { tornOffset: 0 };
    throw err;
  }
  try {
    const size = (await fh.stat()).size;
    if (size === 0) return { tornOffset: 0 };
    const lastByte = await readRange(fh, size - 1, size);
    const completeEnd = lastByte[0] === 0x0a ? size : (await lastNewlineBefore(fh, size)) + 1;
    const torn = completeEnd < size ? await readRange(fh, completeEnd, size) : undefined;
    if (completeEnd === 0) return { torn, tornOffset: 0 };
    const lineStart = (await lastNewlineBefore(fh, completeEnd - 1)) + 1;
    const text = (await readRange(fh, lineStart, completeEnd - 1)).toString('utf8');
    const last = parseRecordLine(text);
    if (!last) throw new LifeboatError('LEDGER_IO', `the last complete line of ${file} is not a ledger record: run lifeboat ledger verify`);
    return { last, torn, tornOffset: completeEnd };
  } finally {
    await fh.close();
  }
}

async function readRange(fh: FileHandle, start: number, end: number): Promise<Buffer> {
  const buf = Buffer.alloc(end - start);
  if (buf.length) await fh.read(buf, 0, buf.length, start);
  return buf;
}

/** Offset of the last newline strictly before `end`, or -1. */
async function lastNewlineBefore(fh: FileHandle, end: number): Promise<number> {
  let hi = end;
  while (hi > 0) {
    const lo = Math.max(0, hi - TAIL_CHUNK);
    const idx = (await readRange(fh, lo, hi)).lastIndexOf(0x0a);
    if (idx >= 0) return lo + idx;
    hi = lo;
  }
  return -1;
}

/** Lines with their 1-based position; `terminated` is false only for a last line cut off mid-write. */
async function* lines(file: string): AsyncGenerator<{ position: number; text: string; terminated: boolean }> {
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  let start = 0;
  let position = 0;
  while (start < content.length) {
    const nl = content.indexOf(0x0a, start);
    const end = nl < 0 ? content.length : nl;
    position++;
    yield { position, text: content.subarray(start, end).toString('utf8'), terminated: nl >= 0 };
    start = end + 1;
  }
}

/** The head seal; undefined when there is none, 'garbled' when the file is there but is not a seal. */
async function readHead(headFile: string): Promise<Seal | undefined | 'garbled'> {
  let text: string;
  try {
    text = await readFile(headFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LifeboatError('LEDGER_IO', `cannot read ${headFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return parseSeal(text) ?? 'garbled';
}

async function readdirSafe(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
