import type { LedgerEntry, LedgerRecord } from './record.js';

/**
 * The evidence record. Backends (filesystem today; Redis and object storage later)
 * must keep the same guarantees: append-only, each record hashed and chained to the
 * one before, appends from several writers serialised so the chain never forks.
 */
export interface Ledger {
  append(entry: LedgerEntry): Promise<LedgerRecord>;
  /** Several records in order under one lock and one fsync: for a sweep's worth of evidence. */
  appendMany(entries: readonly LedgerEntry[]): Promise<LedgerRecord[]>;
  /** Every record in order. Reads what is there; never repairs. */
  records(): AsyncIterable<LedgerRecord>;
  verify(): Promise<VerifyReport>;
  close(): Promise<void>;
}

export type ProblemKind =
  | 'edited'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'unreadable'
  | 'chain-broken'
  | 'truncated'
  /** A record or seal whose signature does not verify against the configured public key, or is by another key. */
  | 'bad-signature'
  /** No signature where one is due: after signing began, or on a record whose key id says it was signed. */
  | 'unsigned'
  /** The backend's own head seal is gone while records exist. */
  | 'head-missing'
  /** The record a seal names differs from the one sealed: the ledger was rewritten from there or before. */
  | 'forked'
  /** The witness holds something that is not a seal, or cannot be read. */
  | 'witness-unreadable';

export interface VerifyProblem {
  kind: ProblemKind;
  /** 1-based line in the ledger file (or position in the backend's order). */
  position: number;
  seq?: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  headSeq: number;
  headHash: string;
  problems: VerifyProblem[];
  /** Crash leftovers found and set aside; not tampering, but listed so nobody wonders. */
  notes: string[];
  /** What was checked beyond the chain: signatures, the head seal, the witness. */
  checked?: SealChecks;
}

export interface SealChecks {
  signatures: {
    /** Key id of the configured public key; absent when none is configured (signatures then not checked). */
    key?: string;
    signed: number;
    unsigned: number;
    /** Signed records whose signature verified (0 when not checked). */
    valid: number;
    /** First signed record: every record from here on must be signed. */
    sealedFrom?: number;
  };
  head: SealSummary;
  witness: SealSummary & { where?: string };
}

export interface SealSummary {
  /** none: nothing to compare (no witness configured); empty: configured but holds no seal. */
  state: 'none' | 'empty' | 'present' | 'unreadable';
  seq?: number;
  at?: string;
  signature?: 'valid' | 'unsigned' | 'bad-signature' | 'other-key' | 'not-checked';
}
