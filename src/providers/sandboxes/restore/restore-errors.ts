import { LifeboatError } from '../../../domain/index.js';

/** A dump that asks for something a restore must never do: the drill fails, naming the line. */
export function refuse(line: number, why: string): never {
  throw new LifeboatError('DUMP_REFUSED', `line ${line}: ${why}`, { retryable: false });
}

/** A dump that ends where no complete dump can: truncated on the way, most likely. */
export function truncated(line: number, where: string): never {
  throw new LifeboatError('DUMP_UNPARSEABLE', `the dump ends ${where} (line ${line}): truncated?`, { retryable: false });
}
