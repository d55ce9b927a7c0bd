import type { CopyRegistryStore } from '../copy/index.js';
import type { RunStore } from '../drills/index.js';
import type { FreshnessStateStore, VerdictPersistence } from '../freshness/index.js';
import type { LeaseStore } from '../providers/index.js';

/** Who holds a slot: enough to tell a live holder from a dead one, and to say who it was. */
export interface SlotHolder {
  host: string;
  pid: number;
  runId?: string;
}

/** A drill or copy slot (a schedule's job key): its newest claim and, once done, its one result. */
export interface SlotRecord {
  slot: string;
  /** The fencing token of the newest claim: each claim gets a higher one than any before it. */
  token: number;
  holder: SlotHolder;
  claimedAt: string;
  result?: Record<string, unknown>;
  finishedAt?: string;
}

/**
 * Exactly one result per slot. A job claims its slot before its first side effect and gets a
 * fencing token; a later claim of the same slot (the job ran twice) supersedes it; a holder
 * whose token is no longer the newest stops before its next side effect, and its `finish` is
 * refused, so a slot is finished once.
 */
export interface SlotStore {
  /** A new token for the slot, or the slot's result when it is already finished. */
  claim(slot: string, holder: SlotHolder, at: Date): Promise<{ token: number } | { finished: SlotRecord }>;
  /** Whether `token` is still the slot's newest claim and the slot is not finished. */
  isCurrent(slot: string, token: number): Promise<boolean>;
  /** Records the slot's result; false (and nothing written) when the token is stale or the slot already finished. */
  finish(slot: string, token: number, result: Record<string, unknown>, at: Date): Promise<boolean>;
  get(slot: string): Promise<SlotRecord | undefined>;
}

export type StateKind = 'files' | 'postgres';

/** Keyed JSON values read and changed as one document under a lock every process honours (PostgreSQL writes only the keys that changed). */
export interface KeyedDocument {
  read(): Promise<Record<string, unknown>>;
  update<R>(fn: (doc: Record<string, unknown>) => Promise<{ doc: Record<string, unknown>; value: R }>): Promise<R>;
}

/**
 * Everything lifeboat remembers between runs apart from the ledger: drill runs, sandbox
 * leases, the copy registry, backup verdicts, freshness state and slot claims. Files for
 * one machine; PostgreSQL as the one system of record for many.
 */
export interface StateStore {
  readonly kind: StateKind;
  /** Where it lives, for messages: a folder, or host:port/database (never a password). */
  readonly where: string;
  runs: RunStore;
  leases: LeaseStore;
  copies: CopyRegistryStore;
  verdicts: VerdictPersistence;
  freshness: FreshnessStateStore;
  slots: SlotStore;
  /** Alerting's book (alerts, outbox, silences, facts) as keyed JSON values under one lock: alerts/ reads it as its AlertBook. */
  alerts: KeyedDocument;
  close(): Promise<void>;
}
