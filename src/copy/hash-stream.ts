import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** sha256 of a stream, read to its end (optionally continuing a hash already fed with a prefix). */
export async function sha256Of(stream: Readable, hash: Hash = createHash('sha256'), onBytes?: (n: number) => void): Promise<{ hex: string; bytes: number }> {
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
    onBytes?.((chunk as Buffer).length);
  }
  return { hex: hash.digest('hex'), bytes };
}
