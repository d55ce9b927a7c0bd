import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

/** Writes a small estate: one local region at <dir>/region and the given resources' YAML. */
export async function writeEstate(dir: string, resourcesYaml: string, extra = ''): Promise<string> {
  const file = path.join(dir, 'lifeboat.yaml');
  await writeFile(
    file,
    `version: 1
ledger: { dir: ledger }
stateDir: state
regions:
  local: { kind: local, path: region }
  other: { kind: local, path: region2 }
resources:
${resourcesYaml}
${extra}`,
  );
  return file;
}

export interface DumpOptions {
  at: Date;
  gzip?: boolean;
  manifest?: boolean | Record<string, unknown>;
  content?: string;
  truncate?: boolean;
}

/** A backup file in <dir>/region/<sub>, with mtime at `at` and an optional manifest. */
export async function writeDump(dir: string, sub: string, name: string, o: DumpOptions): Promise<string> {
  const folder = path.join(dir, 'region', sub);
  await mkdir(folder, { recursive: true });
  const text = o.content ?? `-- MySQL dump 10.13\nCREATE TABLE \`t\` (id int);\nINSERT INTO \`t\` VALUES (1),(2),(3);\n`;
  const full = o.gzip ? gzipSync(text) : Buffer.from(text);
  const body = o.truncate ? full.subarray(0, Math.floor(full.length / 2)) : full;
  const file = path.join(folder, name);
  await writeFile(file, body);
  await utimes(file, o.at, o.at);
  if (o.manifest) {
    const base = { version: 1, size: full.length, sha256: createHash('sha256').update(full).digest('hex'), consistentPoint: o.at.toISOString() };
    await writeFile(`${file}.manifest.json`, JSON.stringify(typeof o.manifest === 'object' ? { ...base, ...o.manifest } : base));
  }
  return file;
}
