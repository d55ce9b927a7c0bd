import { LifeboatError, messageOf, type Logger } from '../domain/index.js';
import type { Seal } from './seal.js';
import type { LedgerSigner, LedgerVerifier } from './signing.js';
import type { Witness } from './witness.js';

/** What a backend needs, besides its storage, to sign records and keep seals. All optional: without them it is the plain hash chain. */
export interface SealingOptions {
  /** The configured public key: records and seals are checked against it. */
  verifier?: LedgerVerifier;
  /** The private half of it; with a verifier and no signer, appends fail (with signerUnavailable). */
  signer?: LedgerSigner;
  /** Why the signer could not be made here (secret not readable): a verify-only machine still verifies. */
  signerUnavailable?: Error;
  witness?: Witness;
}

/** The signer for an append, or undefined when no key is configured; throws when a key is configured but cannot sign here. */
export function signerFor(opts: SealingOptions | undefined): LedgerSigner | undefined {
  if (!opts?.verifier) return undefined;
  if (opts.signer) return opts.signer;
  throw opts.signerUnavailable ?? new LifeboatError('SECRET_UNAVAILABLE', 'ledger.publicKey is set but ledger.signingKey is not: records would be written unsigned, so nothing is appended');
}

/**
 * Moves the witness to the new seal. The records are already written by then, so a
 * witness that cannot be written does not fail the append (its caller would retry and
 * write them twice): it is logged, the next append tries again, and verify shows the
 * witness behind.
 */
export async function advanceWitness(witness: Witness | undefined, seal: Seal, logger: Logger): Promise<void> {
  if (!witness) return;
  try {
    await witness.advance(seal);
  } catch (err) {
    logger.error({ witness: witness.where, seq: seal.seq, err: messageOf(err) }, 'ledger: the witness could not be written; it stays behind until the next append');
  }
}

/**
 * Refuses to append to a ledger that is behind what its head or witness says was written:
 * chaining onto a cut ledger would bury the cut (the next seal would cover it). Someone
 * has to look (ledger verify) and restore the records, or knowingly move the witness aside.
 */
export async function guardTail(where: string, tail: { seq: number; hash: string } | undefined, head: Seal | undefined, witness: Witness | undefined): Promise<void> {
  const seq = tail?.seq ?? 0;
  const check = (seal: Seal | undefined, name: string) => {
    if (!seal || seal.seq <= 0) return;
    if (seal.seq > seq) {
      throw new LifeboatError('LEDGER_TAMPERED', `the ledger ${where} ends at #${seq} but ${name} says #${seal.seq} was written: records were removed. Nothing is appended; run lifeboat ledger verify`);
    }
    if (seal.seq === seq && seal.hash !== tail?.hash) {
      throw new LifeboatError('LEDGER_TAMPERED', `record #${seq} of the ledger ${where} is not the one ${name} sealed: the ledger was rewritten. Nothing is appended; run lifeboat ledger verify`);
    }
  };
  check(head, 'its head');
  if (witness) check(await witness.read(), `its witness (${witness.where})`);
}
