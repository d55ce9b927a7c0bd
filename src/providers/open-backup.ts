import type { Readable } from 'node:stream';
import { LifeboatError } from '../domain/index.js';
import { parseObjectUri } from './object-key.js';
import type { RegionStore } from './region-store.js';
import type { DumpSource } from './local/open-dump.js';
import type { BackupRef } from './types.js';

/** The store of each region, as the composition root makes them. */
export type StoreOf = (region: string) => RegionStore;

/** The key of a backup in its region's store (from its location, `<scheme>://<region>/<key>`). */
export function backupKey(backup: Pick<BackupRef, 'location' | 'region'>): string {
  const { region, key } = parseObjectUri(backup.location);
  if (region !== backup.region) throw new LifeboatError('BACKUP_UNREADABLE', `backup ${backup.location} is not in region ${backup.region}`, { retryable: false });
  return key;
}

/** A backup's bytes, through its region's store: never a path opened directly. */
export async function openBackup(stores: StoreOf, backup: Pick<BackupRef, 'location' | 'region'>, range?: { start?: number; end?: number }): Promise<Readable> {
  return stores(backup.region).open(backupKey(backup), range);
}

/** A backup as a dump to read (openDumpText, engineOfDump): its bytes come through its store. */
export function backupSource(stores: StoreOf, backup: Pick<BackupRef, 'location' | 'region'>): DumpSource {
  return { name: backup.location, open: (range) => openBackup(stores, backup, range) };
}
