import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Manifest } from '../config/index.js';
import { LifeboatError, nameTimeParser } from '../domain/index.js';
import { openDumpText, sniffDump } from '../providers/index.js';
import { scanDump, type DumpScan } from './dump-scan.js';

export interface ManifestOptions {
  /** The consistent point, when the caller knows it (the backup script does). */
  at?: Date;
  /** Template to read the time from the file name, as in a resource's nameTime. */
  nameTime?: string;
  version: string;
  now: Date;
}

/** Builds a manifest from the dump file alone: size, sha256, and the tables and rows found in it. */
export async function manifestFromFile(file: string, opts: ManifestOptions): Promise<Manifest> {
  return (await readDumpFile(file, opts)).manifest;
}

/** The manifest of a dump file and what scanning it found (including whether it looks cut short). */
export async function readDumpFile(file: string, opts: ManifestOptions): Promise<{ manifest: Manifest; scan: DumpScan }> {
  let st;
  try {
    st = await stat(file);
  } catch (err) {
    throw new LifeboatError('USAGE', `cannot read dump file ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (!st.isFile()) throw new LifeboatError('USAGE', `${file} is not a file`);
  const encoding = await sniffDump(file);
  const hash = createHash('sha256');
  let scan: DumpScan;
  if (encoding === 'pg-custom') {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    scan = await scanDump(await openDumpText(file));
  } else {
    // One read of the file feeds both the hash and the scanner.
    const raw = createReadStream(file, { highWaterMark: 1 << 20 });
    raw.on('data', (c) => hash.update(c as Buffer));
    const text = encoding === 'sql.gz' ? raw.pipe(createGunzip()) : raw.pipe(new PassThrough());
    raw.on('error', (e) => text.destroy(e));
    try {
      scan = await scanDump(text);
    } catch (err) {
      throw new LifeboatError('DUMP_UNPARSEABLE', `cannot read ${file} to its end: ${(err as Error).message}`, { cause: err });
    }
  }
  const name = path.basename(file);
  const fromName = opts.nameTime ? nameTimeParser(opts.nameTime)(name) : undefined;
  const [consistentPoint, source] = opts.at ? [opts.at, 'given'] : fromName ? [fromName, 'name'] : [st.mtime, 'mtime'];
  const manifest: Manifest = {
    version: 1,
    file: name,
    size: st.size,
    sha256: hash.digest('hex'),
    consistentPoint: consistentPoint.toISOString(),
    consistentPointSource: source,
    engine: scan.engine,
    format: encoding === 'pg-custom' ? 'pg_dump-custom' : scan.format,
    compression: encoding === 'sql.gz' ? 'gzip' : 'none',
    database: scan.databases.length === 1 ? scan.databases[0] : undefined,
    tables: scan.tables.map((t) => ({ schema: t.schema, name: t.name, rows: t.rows })),
    objects: scan.objects,
    createdAt: opts.now.toISOString(),
    createdBy: `lifeboat ${opts.version}`,
  };
  return { manifest, scan };
}
