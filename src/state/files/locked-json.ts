import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { withFileLock, writeFileAtomic } from '../../fsutil/index.js';
import { readJson } from './json-file.js';

/** One JSON document in a file, changed only under a lock between processes: read it, change it, write it whole. */
export function lockedJson<T>(file: string, empty: () => T) {
  const read = () => readJson<T>(file, empty());
  return {
    read,
    async update<R>(fn: (doc: T) => Promise<{ doc: T; value: R }>): Promise<R> {
      await mkdir(path.dirname(file), { recursive: true });
      return withFileLock(`${file}.lock`, async () => {
        const { doc, value } = await fn(await read());
        await writeFileAtomic(file, JSON.stringify(doc), { durable: true });
        return value;
      });
    },
  };
}
