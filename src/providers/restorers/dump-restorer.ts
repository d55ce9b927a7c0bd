import { createHash } from 'node:crypto';
import { LifeboatError } from '../../domain/index.js';
import { openDumpText } from '../local/open-dump.js';
import { backupSource, type StoreOf } from '../open-backup.js';
import type { Restorer } from './restorer.js';

/**
 * A dump file read from its region's store and sent as SQL over the wire into the sandbox.
 * A pg_dump custom archive arrives as SQL text too (pg_restore only decodes it), so every
 * dump meets the same restore rules. The bytes are hashed as they are read: a file swapped
 * after the fetch step checked it is caught here.
 */
export function createDumpRestorer(stores: StoreOf): Restorer {
  return {
    kind: 'dump',
    async restore(backup, into, opts) {
      let bytes = 0;
      const hash = createHash('sha256');
      const text = await openDumpText(backupSource(stores, backup), (chunk) => {
        bytes += chunk.length;
        hash.update(chunk);
        opts.onProgress?.({ bytes, total: backup.size });
      });
      const stats = await into.restoreSql(text, opts.signal);
      const restoredSha = hash.digest('hex');
      if (opts.expectedSha256 && bytes > 0 && restoredSha !== opts.expectedSha256) {
        throw new LifeboatError('BACKUP_UNREADABLE', `backup ${backup.name} changed between its check and its restore (sha256 ${restoredSha}, checked ${opts.expectedSha256}): the restore is not evidence`, { retryable: false });
      }
      return stats;
    },
  };
}
