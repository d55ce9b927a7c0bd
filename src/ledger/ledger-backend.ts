import type { Clock, Logger } from '../domain/index.js';
import type { Ledger, VerifyReport } from './ledger.js';
import { GENESIS_HASH, parseRecordLine, sealRecord, type LedgerEntry, type LedgerRecord } from './record.js';
import { signerFor, type SealingOptions } from './sealing.js';
import type { LedgerSigner } from './signing.js';

/** What every backend takes besides its storage. */
export interface LedgerBackendOptions {
  clock: Clock;
  logger: Logger;
  /** Signing key, public key and witness; without them, the plain hash chain. */
  sealing?: SealingOptions;
}

/** What a backend stores its own way: the rest of a Ledger is the same for all of them. */
export interface LedgerBackend {
  sealing?: SealingOptions;
  /** Appends a non-empty batch, guarded against other processes (a lock file, WATCH/MULTI); signer is undefined without a key. */
  appendBatch(entries: readonly LedgerEntry[], signer: LedgerSigner | undefined): Promise<LedgerRecord[]>;
  /** The stored lines in order, with their 1-based position. */
  lines(): AsyncIterable<{ position: number; text: string }>;
  verify(): Promise<VerifyReport>;
  /** Lets go of the storage, once every append has finished. */
  close?(): Promise<void>;
}

/**
 * A Ledger around a backend. Appends from this process go one batch at a time and in call
 * order; the backend adds its own guard between processes.
 */
export function ledgerFromBackend(backend: LedgerBackend): Ledger {
  let queue: Promise<unknown> = Promise.resolve();
  const appendMany = (entries: readonly LedgerEntry[]) => {
    const next = queue.then(() => (entries.length ? backend.appendBatch(entries, signerFor(backend.sealing)) : []));
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    appendMany,
    append: async (entry) => (await appendMany([entry]))[0]!,
    async *records() {
      for await (const { text } of backend.lines()) {
        const r = parseRecordLine(text);
        if (r) yield r;
      }
    },
    verify: () => backend.verify(),
    async close() {
      await queue;
      await backend.close?.();
    },
  };
}

/** Entries sealed as the records that follow `tail` (undefined: an empty ledger), each chained to the one before. */
export function chainRecords(entries: readonly LedgerEntry[], tail: { seq: number; hash: string } | undefined, at: Date, signer: LedgerSigner | undefined): LedgerRecord[] {
  const sealed: LedgerRecord[] = [];
  let seq = tail?.seq ?? 0;
  let prev = tail?.hash ?? GENESIS_HASH;
  for (const entry of entries) {
    const r = sealRecord(entry, ++seq, at, prev, signer);
    sealed.push(r);
    prev = r.hash;
  }
  return sealed;
}
