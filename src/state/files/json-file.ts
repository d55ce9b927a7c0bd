import { readFile } from 'node:fs/promises';

/** A JSON file's value, or `fallback` when it is missing or damaged (a damaged cache costs a re-read, never a crash). */
export async function readJson<T>(file: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return fallback;
  }
}
