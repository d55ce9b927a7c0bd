import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../fsutil/index.js';
import type { BackupInspector, BackupRef, Verdict } from '../providers/index.js';

/** Bumped whenever what makes a backup usable changes, so verdicts judged by older rules are read again. */
const CACHE_VERSION = 2;

interface Entry {
  fingerprint: string;
  verdict: Verdict;
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

export async function openVerdictCache(file: string | undefined): Promise<VerdictCache> {
  const entries = new Map<string, Entry>();
  let dirty = false;
  if (file) {
    try {
      const json = JSON.parse(await readFile(file, 'utf8')) as { version: number; entries: Record<string, Entry> };
      if (json.version === CACHE_VERSION) for (const [k, v] of Object.entries(json.entries)) entries.set(k, v);
    } catch {
      // A missing or damaged cache only costs a re-read of the backups.
    }
  }
  return {
    get(backup) {
      const e = entries.get(backup.location);
      return e?.fingerprint === backup.fingerprint ? e.verdict : undefined;
    },
    set(backup, verdict) {
      entries.set(backup.location, { fingerprint: backup.fingerprint, verdict });
      dirty = true;
    },
    retainOnly(locations) {
      for (const key of entries.keys()) {
        if (!locations.has(key)) {
          entries.delete(key);
          dirty = true;
        }
      }
    },
    async save() {
      if (!file || !dirty) return;
      await writeFileAtomic(file, JSON.stringify({ version: CACHE_VERSION, entries: Object.fromEntries(entries) }));
      dirty = false;
    },
    get size() {
      return entries.size;
    },
  };
}

/**
 * An inspector that reads a backup only when the cache has no verdict for its current
 * fingerprint; `recheck` reads it again whatever the cache says (before a restore, in a scrub).
 */
export function cachedInspector(inner: BackupInspector, cache: VerdictCache): BackupInspector {
  return {
    async inspect(backup, signal) {
      const hit = cache.get(backup);
      if (hit) return hit;
      const verdict = await inner.inspect(backup, signal);
      cache.set(backup, verdict);
      return verdict;
    },
    recheck: (backup, signal) => recheckBackup(backup, inner, cache, signal),
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
