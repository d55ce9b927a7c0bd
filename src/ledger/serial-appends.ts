import type { Ledger } from './ledger.js';
import type { LedgerEntry, LedgerRecord } from './record.js';

/**
 * Appends from one process, one batch at a time and in call order; each backend adds its
 * own guard between processes (a lock file, WATCH/MULTI).
 */
export function serialAppends(appendNow: (entries: readonly LedgerEntry[]) => Promise<LedgerRecord[]>): Pick<Ledger, 'append' | 'appendMany'> & { drain(): Promise<void> } {
  let queue: Promise<unknown> = Promise.resolve();
  const appendMany = (entries: readonly LedgerEntry[]) => {
    const next = queue.then(() => appendNow(entries));
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    appendMany,
    append: async (entry) => (await appendMany([entry]))[0]!,
    drain: async () => {
      await queue;
    },
  };
}
