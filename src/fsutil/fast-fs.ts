import fs from 'node:fs';
import { promisify } from 'node:util';

/**
 * stat and readdir through the callback API: on Node 20 fs/promises costs about twice as
 * much per call, which dominates a sweep that is mostly stats (see npm run bench).
 */
export const statFast = promisify(fs.stat);
export const readdirFast = promisify(fs.readdir) as (dir: string) => Promise<string[]>;

/** stat that yields undefined for a file that is gone (or unreadable) instead of throwing: one promise per call. */
export function statIfExists(file: string): Promise<fs.Stats | undefined> {
  return new Promise((resolve) => fs.stat(file, (err, st) => resolve(err ? undefined : st)));
}
