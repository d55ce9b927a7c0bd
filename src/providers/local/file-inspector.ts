import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Clock } from '../../domain/clock.js';
import type { BackupInspector, BackupRef, Verdict } from '../types.js';

const PGDMP_MAGIC = Buffer.from('PGDMP');

/**
 * Decides usability of a local backup file in one streaming pass: sha256 of the bytes,
 * and for gzip files a full decompression so a truncated or corrupt archive is caught.
 */
export function createFileInspector(clock: Clock): BackupInspector {
  return {
    async inspect(backup, signal) {
      const checkedAt = clock.now().toISOString();
      const verdict = (usable: boolean, bytesRead: number, reason?: string, sha256?: string): Verdict => ({ usable, reason, bytesRead, sha256, checkedAt });
      if (backup.size === 0) return verdict(false, 0, 'empty file (0 bytes)');
      if (backup.manifestError) return verdict(false, 0, backup.manifestError);
      const m = backup.manifest;
      if (m?.size !== undefined && m.size !== backup.size) return verdict(false, 0, `size ${backup.size} bytes differs from the manifest's ${m.size}`);

      const hash = createHash('sha256');
      let bytesRead = 0;
      let head: Buffer | undefined;
      const gzip = isGzip(backup.name);
      const source = createReadStream(backup.location, { highWaterMark: 1 << 20 });
      source.on('data', (chunk) => {
        const buf = chunk as Buffer;
        if (!head) head = buf.subarray(0, 8);
        hash.update(buf);
        bytesRead += buf.length;
      });
      try {
        if (gzip) await pipeline(source, createGunzip({ chunkSize: 1 << 16 }), discard(), { signal });
        else await pipeline(source, discard(), { signal });
      } catch (err) {
        if (signal?.aborted) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        if (gzip && (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end|incorrect header/i.test((err as Error).message))) {
          return verdict(false, bytesRead, `gzip does not decompress to its end (${describeZlib(err as Error)})`);
        }
        throw err;
      }
      const sha256 = hash.digest('hex');
      if (m?.sha256 && m.sha256 !== sha256) return verdict(false, bytesRead, `sha256 ${sha256.slice(0, 12)}… differs from the manifest's ${m.sha256.slice(0, 12)}…`);
      if (backup.name.endsWith('.dump') && head && !head.subarray(0, 5).equals(PGDMP_MAGIC) && !looksLikeText(head)) {
        return verdict(false, bytesRead, 'not a pg_dump custom-format archive (no PGDMP header) nor SQL text', sha256);
      }
      return verdict(true, bytesRead, undefined, sha256);
    },
  };
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
