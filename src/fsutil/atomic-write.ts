import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Replaces a file whole or not at all: readers never see a half-written state file. */
export async function writeFileAtomic(file: string, data: string | Buffer, opts: { durable?: boolean } = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  await writeFile(tmp, data, { flush: opts.durable ?? false });
  await rename(tmp, file);
}
