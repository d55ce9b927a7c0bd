import { LifeboatError } from '../domain/index.js';
import type { BackupInspector, BackupRef, Verdict } from '../providers/index.js';

/**
 * Re-hashes the backup a drill is about to restore, against its manifest (or the sha256
 * verified before), whatever a cached verdict says: rot found here fails the drill with
 * the reason, and the failing verdict is remembered so freshness shows it too.
 */
export async function verifyBeforeRestore(backup: BackupRef, inspector: BackupInspector, signal?: AbortSignal): Promise<Verdict> {
  const verdict = inspector.recheck ? await inspector.recheck(backup, signal) : await inspector.inspect(backup, signal);
  if (!verdict.usable) {
    throw new LifeboatError('BACKUP_UNREADABLE', `backup ${backup.name} in ${backup.region} failed its re-check before restore: ${verdict.reason ?? 'unusable'}`, { retryable: false });
  }
  return verdict;
}
