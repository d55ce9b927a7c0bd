import { createHash } from 'node:crypto';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);
import { LifeboatError, messageOf, type Clock } from '../../domain/index.js';
import { backupKey, type StoreOf } from '../open-backup.js';
import type { BackupInspector, Verdict } from '../types.js';

export interface InspectorOptions {
  /** Awaited for every chunk read: a scrub's rate limit. */
  pace?: (bytes: number, signal?: AbortSignal) => Promise<void>;
}

const PGDMP_MAGIC = Buffer.from('PGDMP');

/**
 * Decides usability of a backup in one streaming pass through its region's store: sha256
 * of the bytes, and for gzip files a full decompression so a truncated or corrupt archive
 * is caught. The store refuses a link (and a key leaving the region): unusable, never read.
 */
export function createFileInspector(stores: StoreOf, clock: Clock, opts: InspectorOptions = {}): BackupInspector {
  return {
    async inspect(backup, signal) {
      const checkedAt = clock.now().toISOString();
      const verdict = (usable: boolean, bytesRead: number, reason?: string, sha256?: string): Verdict => ({ usable, reason, bytesRead, sha256, checkedAt });
      if (backup.refused) return verdict(false, 0, backup.refused);
      if (backup.size === 0) return verdict(false, 0, 'empty file (0 bytes)');
      if (backup.manifestError) return verdict(false, 0, backup.manifestError);
      const m = backup.manifest;
      if (m?.file !== undefined && m.file !== backup.name) return verdict(false, 0, `manifest describes ${m.file}, not ${backup.name} (it sits beside the wrong file)`);
      if (m?.size !== undefined && m.size !== backup.size) return verdict(false, 0, `size ${backup.size} bytes differs from the manifest's ${m.size}`);

      const changed = (now: number) => verdict(false, 0, `changed while being checked: ${now} bytes now, ${backup.size} when listed`);
      let source: Readable;
      try {
        const store = stores(backup.region);
        const key = backupKey(backup);
        source = await store.open(key);
        const info = await store.stat(key);
        if (!info || info.notFile || info.size !== backup.size) {
          source.destroy();
          return info && !info.notFile ? changed(info.size) : verdict(false, 0, info?.notFile ? `${key} ${info.notFile}` : `${key} is gone`);
        }
      } catch (err) {
        if (err instanceof LifeboatError) return verdict(false, 0, messageOf(err));
        throw err;
      }

      if (backup.size <= SMALL_FILE) {
        const small = await inspectSmall(source, isGzip(backup.name), opts.pace, signal);
        if (small.bytesRead !== backup.size) return changed(small.bytesRead);
        if (small.gzipError) return verdict(false, small.bytesRead, `gzip does not decompress to its end (${small.gzipError})`);
        return finish(small.sha256, small.bytesRead, small.head);
      }

      const hash = createHash('sha256');
      let bytesRead = 0;
      let head: Buffer | undefined;
      const gzip = isGzip(backup.name);
      const pace = opts.pace;
      const tap = new Transform({
        transform(chunk: Buffer, _e, cb) {
          if (!head) head = chunk.subarray(0, 8);
          hash.update(chunk);
          bytesRead += chunk.length;
          if (pace) pace(chunk.length, signal).then(() => cb(null, chunk), cb);
          else cb(null, chunk);
        },
      });
      try {
        if (gzip) await pipeline(source, tap, createGunzip({ chunkSize: 1 << 16 }), discard(), { signal });
        else await pipeline(source, tap, discard(), { signal });
      } catch (err) {
        if (signal?.aborted) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        if (gzip && (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end|incorrect header/i.test((err as Error).message))) {
          return verdict(false, bytesRead, `gzip does not decompress to its end (${describeZlib(err as Error)})`);
        }
        throw err;
      }
      if (bytesRead !== backup.size) return changed(bytesRead);
      return finish(hash.digest('hex'), bytesRead, head);

      function finish(sha256: string, bytes: number, first: Buffer | undefined): Verdict {
        if (m?.sha256 && m.sha256 !== sha256) return verdict(false, bytes, `sha256 ${sha256.slice(0, 12)}… differs from the manifest's ${m.sha256.slice(0, 12)}…`);
        if (backup.name.endsWith('.dump') && first && !first.subarray(0, 5).equals(PGDMP_MAGIC) && !looksLikeText(first)) {
          return verdict(false, bytes, 'not a pg_dump custom-format archive (no PGDMP header) nor SQL text', sha256);
        }
        return verdict(true, bytes, undefined, sha256);
      }
    },
  };
}

/** Below this size a file is read whole: stream set-up would cost more than the read. */
const SMALL_FILE = 1 << 20;
/** Decompressed output allowed in memory for a small file; past it, the streaming path decides. */
const SMALL_INFLATED_LIMIT = 64 << 20;

async function inspectSmall(source: Readable, gzip: boolean, pace?: InspectorOptions['pace'], signal?: AbortSignal): Promise<{ sha256: string; bytesRead: number; head: Buffer; gzipError?: string }> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(c as Buffer);
  const buf = Buffer.concat(chunks);
  await pace?.(buf.length, signal);
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const result = { sha256, bytesRead: buf.length, head: buf.subarray(0, 8) };
  if (!gzip) return result;
  try {
    await gunzipAsync(buf, { maxOutputLength: SMALL_INFLATED_LIMIT });
    return result;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      await pipeline(Readable.from([buf]), createGunzip(), discard());
      return result;
    }
    return { ...result, gzipError: describeZlib(err as Error) };
  }
}

export function isGzip(name: string): boolean {
  return /\.(gz|tgz)$/.test(name);
}

function discard(): Writable {
  return new Writable({ write: (_c, _e, cb) => cb() });
}

function describeZlib(err: Error): string {
  return /unexpected end/i.test(err.message) ? 'truncated: unexpected end of file' : err.message;
}

function looksLikeText(head: Buffer): boolean {
  return head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0x80);
}
