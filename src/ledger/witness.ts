import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LifeboatError } from '../domain/index.js';
import { withFileLock, writeFileAtomic } from '../fsutil/index.js';
import { parseSeal, type Seal } from './seal.js';

/**
 * A second place, away from the records, that keeps the newest seal. It only moves
 * forward, so a ledger cut back to an earlier point, emptied, or rewritten no longer
 * matches it. One witness per ledger. Backends: a folder (another disk or mount), the
 * shared Redis; a PostgreSQL table fits the same three methods.
 */
export interface Witness {
  /** Where it is, for messages: a path or a key. Never a credential. */
  readonly where: string;
  /** The seal it holds; undefined when it holds none yet. Throws when what it holds is not a seal. */
  read(): Promise<Seal | undefined>;
  /** Keeps the seal unless it already holds one at the same or a later seq. */
  advance(seal: Seal): Promise<void>;
}

export const WITNESS_FILE = 'ledger-seal.json';

/** A folder witness: ledger-seal.json, replaced atomically under a lock so it never moves back. */
export function createDirWitness(dir: string): Witness {
  const file = path.join(dir, WITNESS_FILE);
  const read = async (): Promise<Seal | undefined> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new LifeboatError('LEDGER_IO', `cannot read the ledger witness ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
    const seal = parseSeal(text);
    if (!seal) throw new LifeboatError('LEDGER_TAMPERED', `the ledger witness ${file} does not hold a seal`);
    return seal;
  };
  return {
    where: file,
    read,
    async advance(seal) {
      await mkdir(dir, { recursive: true });
      await withFileLock(`${file}.lock`, async () => {
        const held = await read();
        if (held && held.seq >= seal.seq) return;
        await writeFileAtomic(file, `${JSON.stringify(seal)}\n`, { durable: true });
      });
    },
  };
}
