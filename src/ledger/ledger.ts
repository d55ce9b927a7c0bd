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

export type ProblemKind = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'unreadable' | 'chain-broken' | 'truncated';

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
}
