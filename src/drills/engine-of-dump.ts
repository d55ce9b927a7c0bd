import { gunzipSync } from 'node:zlib';
import type { BackupRef, Engine, StoreOf } from '../providers/index.js';
import { backupSource, headOf, sniffBytes } from '../providers/index.js';

/** Which database a dump is for: the manifest says so, else its own header does. */
export async function engineOfDump(backup: BackupRef, stores: StoreOf): Promise<Engine | undefined> {
  if (backup.manifest?.engine === 'mysql' || backup.manifest?.engine === 'postgres') return backup.manifest.engine;
  // Through the region's store, like every other reader of a backup: never a link's target.
  const bytes = await headOf(backupSource(stores, backup), 16384);
  const encoding = sniffBytes(bytes);
  if (encoding === 'pg-custom') return 'postgres';
  const head = encoding === 'sql.gz' ? gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH: a prefix is enough */ }).toString('utf8') : bytes.toString('utf8');
  if (/^-- (MySQL|MariaDB) dump/m.test(head) || /ENGINE=InnoDB|`\w+`/.test(head)) return 'mysql';
  if (/PostgreSQL database dump|COPY \S+ .*FROM stdin;|SET search_path/i.test(head)) return 'postgres';
  return undefined;
}
