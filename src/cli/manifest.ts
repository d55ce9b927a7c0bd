import { access } from 'node:fs/promises';
import { manifestFromFile, manifestFromSnapshot, mergeSnapshot } from '../checks/index.js';
import { MANIFEST_SUFFIX, type Manifest } from '../config/index.js';
import { LifeboatError } from '../domain/index.js';
import { writeFileAtomic } from '../fsutil/index.js';
import { createDatabaseReader, parseDsn } from '../providers/index.js';
import { EXIT, type CliContext } from './context.js';

export interface ManifestCommandOptions {
  at?: string;
  nameTime?: string;
  fromDb?: string;
  output?: string;
  force?: boolean;
  version: string;
  /** Password for --from-db when the DSN carries none (from LIFEBOAT_DB_PASSWORD). */
  dbPassword?: string;
}

/**
 * lifeboat manifest [FILE] [--from-db DSN]: writes FILE.manifest.json (or to -o, '-' for
 * stdout). From the file: size, sha256, tables and row counts; from the database:
 * per-table checksums (and counts, when there is no file).
 */
export async function manifestCommand(ctx: CliContext, file: string | undefined, opts: ManifestCommandOptions): Promise<number> {
  if (!file && !opts.fromDb) throw new LifeboatError('USAGE', 'give a dump file, --from-db DSN, or both');
  const at = opts.at === undefined ? undefined : new Date(opts.at);
  if (at && Number.isNaN(at.getTime())) throw new LifeboatError('USAGE', `--at: expected an ISO time such as 2026-11-22T02:00:00Z, got ${JSON.stringify(opts.at)}`);
  const meta = { version: opts.version, now: ctx.clock.now() };

  let manifest: Manifest | undefined = file ? await manifestFromFile(file, { at, nameTime: opts.nameTime, ...meta }) : undefined;
  if (opts.fromDb) {
    const dsn = parseDsn(opts.fromDb, opts.dbPassword);
    ctx.logger.info({ database: dsn.safe }, 'reading row counts and checksums (read-only transaction)');
    const snap = await createDatabaseReader(dsn).snapshot();
    if (manifest) {
      const merged = mergeSnapshot(manifest, snap);
      for (const n of merged.notes) ctx.logger.warn({ table: n.table }, `${n.table}: ${n.message}`);
      manifest = merged.manifest;
    } else {
      manifest = manifestFromSnapshot(snap, meta);
      if (at) manifest = { ...manifest, consistentPoint: at.toISOString(), consistentPointSource: 'given' };
    }
  }

  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  const target = opts.output ?? (file ? file + MANIFEST_SUFFIX : '-');
  if (target === '-') {
    ctx.out(text.trimEnd());
    return EXIT.ok;
  }
  if (!opts.force && (await access(target).then(() => true, () => false))) {
    throw new LifeboatError('USAGE', `${target} already exists: a manifest is written once (use --force to replace it)`);
  }
  await writeFileAtomic(target, text, { durable: true });
  const tables = manifest!.tables ?? [];
  const rows = tables.reduce((n, t) => n + t.rows, 0);
  const sums = tables.filter((t) => t.checksum).length;
  ctx.out(`wrote ${target}: ${tables.length} tables, ${rows} rows, ${sums} checksums${manifest!.sha256 ? `, ${manifest!.size} bytes, sha256 ${manifest!.sha256}` : ''}`);
  return EXIT.ok;
}
