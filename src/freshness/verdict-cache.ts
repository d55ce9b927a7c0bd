import type { BackupInspector, BackupRef, Verdict } from '../providers/index.js';

/** Bumped whenever what makes a backup usable changes, so verdicts judged by older rules are read again. */
const CACHE_VERSION = 2;

export interface VerdictEntry {
  fingerprint: string;
  verdict: Verdict;
}

/** Where remembered verdicts are kept between processes (the state store). */
export interface VerdictPersistence {
  /** The entries judged under `version` of the rules; older ones are not returned. */
  load(version: number): Promise<Map<string, VerdictEntry>>;
  /** Writes what changed since the last save; `all` is the whole cache, for stores that rewrite it. */
  save(version: number, changes: { set: ReadonlyMap<string, VerdictEntry>; deleted: ReadonlySet<string> }, all: ReadonlyMap<string, VerdictEntry>): Promise<void>;
}

/**
 * Verdicts remembered by location and fingerprint (size, mtime, manifest), so a backup is
 * read end to end once, not on every sweep. Persisted so a restart does not re-read
 * every dump either.
 */
export interface VerdictCache {
  get(backup: BackupRef): Verdict | undefined;
  set(backup: BackupRef, verdict: Verdict): void;
  /** Forgets backups that no longer exist (after a sweep that listed every resource). */
  retainOnly(locations: ReadonlySet<string>): void;
  save(): Promise<void>;
  readonly size: number;
}

export async function openVerdictCache(persistence: VerdictPersistence | undefined): Promise<VerdictCache> {
  // A missing or damaged store only costs a re-read of the backups.
  const entries = persistence ? await persistence.load(CACHE_VERSION).catch(() => new Map<string, VerdictEntry>()) : new Map<string, VerdictEntry>();
  const set = new Map<string, VerdictEntry>();
  const deleted = new Set<string>();
  return {
    get(backup) {
      const e = entries.get(backup.location);
      return e?.fingerprint === backup.fingerprint ? e.verdict : undefined;
    },
    set(backup, verdict) {
      const entry = { fingerprint: backup.fingerprint, verdict };
      entries.set(backup.location, entry);
      set.set(backup.location, entry);
      deleted.delete(backup.location);
    },
    retainOnly(locations) {
      for (const key of entries.keys()) {
        if (!locations.has(key)) {
          entries.delete(key);
          set.delete(key);
          deleted.add(key);
        }
      }
    },
    async save() {
      if (!persistence || (!set.size && !deleted.size)) return;
      const changes = { set: new Map(set), deleted: new Set(deleted) };
      set.clear();
      deleted.clear();
      await persistence.save(CACHE_VERSION, changes, entries);
    },
    get size() {
      return entries.size;
    },
  };
}

/**
 * An inspector that reads a backup only when the cache has no verdict for its current
 * fingerprint; `recheck` reads it again whatever the cache says (before a restore, in a scrub).
 * `onVerdict` hears each verdict made by reading (not one taken from the cache).
 */
export function cachedInspector(inner: BackupInspector, cache: VerdictCache, onVerdict?: (backup: BackupRef, verdict: Verdict) => void): BackupInspector {
  const judged = (backup: BackupRef, verdict: Verdict) => {
    onVerdict?.(backup, verdict);
    return verdict;
  };
  return {
    async inspect(backup, signal) {
      const hit = cache.get(backup);
      if (hit) return hit;
      const verdict = await inner.inspect(backup, signal);
      cache.set(backup, verdict);
      return judged(backup, verdict);
    },
    recheck: async (backup, signal) => judged(backup, await recheckBackup(backup, inner, cache, signal)),
  };
}

const CHANGED_IN_PLACE = 'content changed in place';

/**
 * Reads a backup end to end again and remembers the new verdict. Bytes that changed while
 * size and mtime stayed the same are rot (or tampering): without a manifest to hold them
 * to, the sha256 verified earlier under the same fingerprint is the reference. A failing
 * verdict is saved at once, so freshness shows it even if this process dies next.
 */
export async function recheckBackup(backup: BackupRef, inner: BackupInspector, cache: VerdictCache, signal?: AbortSignal): Promise<Verdict> {
  const before = cache.get(backup);
  let verdict = await inner.inspect(backup, signal);
  // The reference is the hash verified under this fingerprint; a rot verdict keeps it, so the rot is not forgotten at the next re-check.
  const reference = before?.sha256 && (before.usable || before.reason?.startsWith(CHANGED_IN_PLACE)) ? before.sha256 : undefined;
  if (verdict.usable && reference && verdict.sha256 && reference !== verdict.sha256) {
    verdict = {
      ...verdict,
      usable: false,
      sha256: reference,
      reason: `${CHANGED_IN_PLACE} since it was verified (same size and mtime): sha256 ${verdict.sha256.slice(0, 12)}…, was ${reference.slice(0, 12)}…`,
    };
  }
  cache.set(backup, verdict);
  if (!verdict.usable) await cache.save();
  return verdict;
}
