import type { CopyRegistry, CopyRegistryStore } from '../copy/index.js';
import type { FreshnessState, FreshnessStateStore } from '../freshness/index.js';

/** One whole document changed under the backend's lock (a locked JSON file, a keyed table under an advisory lock). */
export interface LockedDocument<T> {
  read(): Promise<T>;
  update<R>(fn: (doc: T) => Promise<{ doc: T; value: R }>): Promise<R>;
}

/** The copy registry as a document: each backend supplies only the locking. */
export function copyRegistryOver(doc: LockedDocument<CopyRegistry>): CopyRegistryStore {
  return {
    read: () => doc.read(),
    update: (fn) =>
      doc.update(async (reg) => {
        fn(reg);
        return { doc: reg, value: undefined };
      }),
  };
}

/** The freshness state as a document: each backend supplies only the locking. */
export function freshnessOver(doc: LockedDocument<FreshnessState>): FreshnessStateStore {
  return {
    read: () => doc.read(),
    update: (fn) =>
      doc.update(async (state) => {
        const r = await fn(state);
        return { doc: r.state, value: r.value };
      }),
  };
}
