import { constants as C } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { BackupRef, Engine } from '../providers/index.js';
import { openNoFollow, sniffDump } from '../providers/index.js';

/** Which database a dump is for: the manifest says so, else its own header does. */
export async function engineOfDump(backup: BackupRef): Promise<Engine | undefined> {
  if (backup.manifest?.engine === 'mysql' || backup.manifest?.engine === 'postgres') return backup.manifest.engine;
  const encoding = await sniffDump(backup.location);
  if (encoding === 'pg-custom') return 'postgres';
  // Never a link's target: the same no-follow open as every other reader of a region.
  const fh = await openNoFollow(backup.location, C.O_RDONLY);
  let head: string;
  try {
    const buf = Buffer.alloc(16384);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const bytes = buf.subarray(0, bytesRead);
    head = encoding === 'sql.gz' ? gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH: a prefix is enough */ }).toString('utf8') : bytes.toString('utf8');
  } finally {
    await fh.close();
  }
  if (/^-- (MySQL|MariaDB) dump/m.test(head) || /ENGINE=InnoDB|`\w+`/.test(head)) return 'mysql';
  if (/PostgreSQL database dump|COPY \S+ .*FROM stdin;|SET search_path/i.test(head)) return 'postgres';
  return undefined;
}
