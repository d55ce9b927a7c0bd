import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../fsutil/index.js';
import type { BackupInspector, BackupRef, Verdict } from '../providers/index.js';

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
      if (json.version === 1) for (const [k, v] of Object.entries(json.entries)) entries.set(k, v);
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
      await writeFileAtomic(file, JSON.stringify({ version: 1, entries: Object.fromEntries(entries) }));
      dirty = false;
    },
    get size() {
      return entries.size;
    },
  };
}

/** An inspector that reads a backup only when the cache has no verdict for its current fingerprint. */
export function cachedInspector(inner: BackupInspector, cache: VerdictCache): BackupInspector {
  return {
    async inspect(backup, signal) {
      const hit = cache.get(backup);
      if (hit) return hit;
      const verdict = await inner.inspect(backup, signal);
      cache.set(backup, verdict);
      return verdict;
    },
  };
}
