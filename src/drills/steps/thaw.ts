import { LifeboatError } from '../../domain/index.js';
import { backupKey, type BackupRef, type StoreOf } from '../../providers/index.js';
import type { StepOutput } from './step-output.js';

/**
 * An archived backup (an archive storage class) is asked to thaw, and the drill is tried
 * again later: waiting hours for a thaw is a delayed re-check by the queue, not a held
 * worker. A local region is never archived: the step only looks.
 */
export async function thaw(i: { backup: BackupRef; stores: StoreOf }): Promise<StepOutput<undefined>> {
  const store = i.stores(i.backup.region);
  const key = backupKey(i.backup);
  const status = await store.thawStatus(key);
  if (status.state === 'available') return { value: undefined, details: { state: 'available' } };
  const asked = status.state === 'archived' ? await store.thaw(key, { tier: 'Standard', days: 1 }) : status;
  throw new LifeboatError('BACKUP_ARCHIVED', `backup ${i.backup.name} in ${i.backup.region} is ${asked.state === 'restoring' ? 'being thawed' : 'archived'}: the drill runs again once it is available`);
}
