import { canonicalJson } from './record.js';
import type { LedgerSigner, LedgerVerifier } from './signing.js';

/**
 * The ledger's state after an append, signed when a key is configured: how many records
 * (the head's seq), the head's hash, and when. Kept beside the records (head.json, the
 * Redis head) and in the witness, away from them.
 */
export interface Seal {
  seq: number;
  hash: string;
  /** When it was sealed; absent in heads written before seals were signed. */
  at?: string;
  kid?: string;
  sig?: string;
}

export function sealMessage(s: Pick<Seal, 'seq' | 'hash' | 'at' | 'kid'>): string {
  return `lifeboat-ledger-seal:v1:${canonicalJson({ seq: s.seq, hash: s.hash, at: s.at, kid: s.kid })}`;
}

export function makeSeal(head: { seq: number; hash: string }, at: Date, signer?: LedgerSigner): Seal {
  const body = { seq: head.seq, hash: head.hash, at: at.toISOString(), kid: signer?.kid };
  return signer ? { ...body, sig: signer.sign(sealMessage(body)) } : { seq: body.seq, hash: body.hash, at: body.at };
}

/** A seal read back from storage, or undefined when the text is not one. */
export function parseSeal(text: string | null | undefined): Seal | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const ok = Number.isSafeInteger(v.seq) && typeof v.hash === 'string' && ['at', 'kid', 'sig'].every((k) => v[k] === undefined || typeof v[k] === 'string');
    return ok ? (v as unknown as Seal) : undefined;
  } catch {
    return undefined;
  }
}

export type SealCheck = 'valid' | 'unsigned' | 'bad-signature' | 'other-key' | 'not-checked';

/** Whether a seal carries a good signature by the configured key (not-checked: no key configured). */
export function checkSeal(seal: Seal, verifier: LedgerVerifier | undefined): SealCheck {
  if (!seal.sig) return 'unsigned';
  if (!verifier) return 'not-checked';
  if (seal.kid !== verifier.kid) return 'other-key';
  return verifier.verify(sealMessage(seal), seal.sig) ? 'valid' : 'bad-signature';
}
