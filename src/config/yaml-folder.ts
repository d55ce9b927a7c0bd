import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigLimits } from './limits.js';
import { readConfigFile } from './read-config-file.js';
import { parseYamlSource, unreadableSource, type YamlSource } from './yaml-source.js';

/** One YAML file of a folder: parsed, or its reason for being refused as an issue of the source. */
export interface FolderFile {
  file: string;
  source: YamlSource;
}

/** Reads and parses one config file within limits; a file that cannot be read becomes a located issue, never a throw. */
export async function readYamlSource(file: string, shownAs: string, limits: ConfigLimits): Promise<YamlSource> {
  const read = await readConfigFile(file, limits.maxFileBytes);
  if (!read.ok) return unreadableSource(shownAs, [{ file: shownAs, path: '', message: read.reason }]);
  return parseYamlSource(shownAs, read.text, limits);
}

/**
 * Every *.yaml / *.yml entry of a folder, in name order. Entries are not filtered by type
 * here: a directory or FIFO named x.yaml is reported by name rather than skipped, since
 * the user meant it as config. A missing folder holds no files.
 */
export async function readYamlFolder(dir: string, limits: ConfigLimits, display: (p: string) => string): Promise<{ files: FolderFile[]; problem?: string }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { files: [] };
    const why = code === 'ENOTDIR' ? 'is not a folder' : `cannot be listed: ${(err as Error).message}`;
    return { files: [], problem: `${display(dir)} ${why}` };
  }
  const files: FolderFile[] = [];
  for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const file = path.join(dir, name);
    files.push({ file, source: await readYamlSource(file, display(file), limits) });
  }
  return { files };
}
