import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export type ReadOutcome = { ok: true; text: string } | { ok: false; missing: boolean; reason: string; code?: string };

const CHUNK = 64 * 1024;

/**
 * Reads one config file, refusing anything but a regular file within maxBytes.
 * Opened with O_NONBLOCK because opening a FIFO for reading otherwise waits for a writer
 * forever (in a libuv thread no signal can interrupt); the type is then checked on the
 * open descriptor, so nothing can swap the file between the check and the read.
 */
export async function readConfigFile(file: string, maxBytes: number): Promise<ReadOutcome> {
  let fh: FileHandle;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return refusedBy(err);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return refused(`is ${kindOf(st)}: only regular files are read as config`);
    if (st.size > maxBytes) return refused(tooLarge(`is ${st.size} bytes`, maxBytes));
    // Counted again while reading: a file can grow after the stat, and some report size 0.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes - total + 1));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) return refused(tooLarge('grew while being read', maxBytes));
      chunks.push(buf.subarray(0, bytesRead));
    }
    return { ok: true, text: Buffer.concat(chunks, total).toString('utf8') };
  } catch (err) {
    return refusedBy(err);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

const refused = (reason: string): ReadOutcome => ({ ok: false, missing: false, reason });

const tooLarge = (what: string, maxBytes: number) => `${what}: larger than the ${maxBytes}-byte limit for a config file (raise it with LIFEBOAT_CONFIG_MAX_BYTES)`;

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'does not exist',
  EACCES: 'cannot be read: permission denied',
  EPERM: 'cannot be read: operation not permitted',
  ELOOP: 'is a loop of symbolic links',
  ENXIO: 'is a socket or a device nothing is attached to: only regular files are read as config',
  EISDIR: 'is a directory: only regular files are read as config',
  ENOTDIR: 'is below something that is not a directory',
  ENAMETOOLONG: 'has a name that is too long',
};

function refusedBy(err: unknown): ReadOutcome {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return { ok: false, missing: code === 'ENOENT', reason: ERRNO_TEXT[code] ?? `cannot be read: ${(err as Error).message}`, code };
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}
