import { access } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { manifestFromSnapshot, mergeSnapshot, partialDumpProblems, readDumpFile, type DumpScan } from '../../checks/index.js';
import { MANIFEST_SUFFIX, type Manifest } from '../../config/index.js';
import { writeFileAtomic } from '../../fsutil/index.js';
import { createDatabaseReader, parseDsn, type DatabaseSnapshot } from '../../providers/index.js';
import { EXIT, type CliContext } from '../context.js';
import { jsonText } from '../json-error.js';
import { LifeboatError, nameTimeParser } from '../../domain/index.js';
import { defineCommand } from './define.js';
import { flag, isoTime } from './options.js';

/** As the schema below hands them over: a file or --from-db, --at a valid time, --name-time a template the name holds. */
interface ManifestCommandOptions {
  at?: Date;
  nameTime?: string;
  fromDb?: string;
  output?: string;
  force?: boolean;
  /** Write the manifest even of a dump that is empty, cut short or lacks tables the database has. */
  allowPartial?: boolean;
  json?: boolean;
  version: string;
  /** Password for --from-db when the DSN carries none (from LIFEBOAT_DB_PASSWORD). */
  dbPassword?: string;
}

/**
 * lifeboat manifest [FILE] [--from-db DSN]: writes FILE.manifest.json (or to -o, '-' for
 * stdout). From the file: size, sha256, tables and row counts; from the database:
 * per-table checksums (and counts, when there is no file). A dump that is empty, cut
 * short, or (with --from-db) lacks tables the database has is refused with exit 1 and
 * nothing written, unless --allow-partial: its manifest would make a drill of it pass.
 */
async function manifestCommand(ctx: CliContext, file: string | undefined, opts: ManifestCommandOptions): Promise<number> {
  const at = opts.at;
  const meta = { version: opts.version, now: ctx.clock.now() };

  const dump: { manifest: Manifest; scan: DumpScan } | undefined = file ? await readDumpFile(file, { at, nameTime: opts.nameTime, ...meta }) : undefined;
  let manifest = dump?.manifest;
  let snap: DatabaseSnapshot | undefined;
  const notes: { table: string; message: string }[] = [];
  if (opts.fromDb) {
    const dsn = parseDsn(opts.fromDb, opts.dbPassword);
    ctx.logger.info({ database: dsn.safe }, 'reading row counts and checksums (read-only transaction)');
    snap = await createDatabaseReader(dsn).snapshot();
    if (manifest) {
      const merged = mergeSnapshot(manifest, snap);
      notes.push(...merged.notes);
      for (const n of merged.notes) ctx.logger.warn({ table: n.table }, `${n.table}: ${n.message}`);
      manifest = merged.manifest;
    } else {
      manifest = manifestFromSnapshot(snap, meta);
      if (at) manifest = { ...manifest, consistentPoint: at.toISOString(), consistentPointSource: 'given' };
    }
  }
  const partial = dump ? partialDumpProblems({ size: dump.manifest.size ?? 0, scan: dump.scan }, snap) : [];
  if (partial.length && !opts.allowPartial) {
    const err = new LifeboatError('DUMP_INCOMPLETE', `${file} is not a whole dump, so no manifest was written (--allow-partial writes one anyway):\n${partial.map((p) => `  ${p}`).join('\n')}`);
    throw Object.assign(err, { details: { file, problems: partial } });
  }
  for (const p of partial) ctx.logger.warn({ file }, `--allow-partial: ${p}`);

  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  const target = opts.output ?? (file ? file + MANIFEST_SUFFIX : '-');
  if (target === '-') {
    ctx.out(text.trimEnd());
    return EXIT.ok;
  }
  if (
    !opts.force &&
    (await access(target).then(
      () => true,
      () => false,
    ))
  ) {
    throw new LifeboatError('USAGE', `${target} already exists: a manifest is written once (use --force to replace it)`);
  }
  await writeFileAtomic(target, text, { durable: true });
  const tables = manifest!.tables ?? [];
  const rows = tables.reduce((n, t) => n + t.rows, 0);
  const sums = tables.filter((t) => t.checksum).length;
  if (opts.json) ctx.out(jsonText({ wrote: target, tables: tables.length, rows, checksums: sums, size: manifest!.size ?? null, sha256: manifest!.sha256 ?? null, notes, partial }));
  else ctx.out(`wrote ${target}: ${tables.length} tables, ${rows} rows, ${sums} checksums${manifest!.sha256 ? `, ${manifest!.size} bytes, sha256 ${manifest!.sha256}` : ''}`);
  return EXIT.ok;
}

const NAME_TIME_EXAMPLE = '"{YYYY}{MM}{DD}T{hh}{mm}{ss}Z"';

export const manifest = defineCommand({
  path: ['manifest'],
  description: 'write <file>.manifest.json for a dump: size, sha256, tables, row counts (and checksums with --from-db)',
  arguments: [{ name: '[dump-file]', description: 'mysqldump or pg_dump output (.sql, .sql.gz, custom-format .dump)' }],
  options: [
    { flags: '--from-db <dsn>', description: 'also read per-table checksums (read-only) from mysql://… or postgres://…; password from LIFEBOAT_DB_PASSWORD if the DSN has none' },
    { flags: '--at <time>', description: 'consistent point of the backup (ISO time); default: time in the name or mtime' },
    { flags: '--name-time <template>', description: `read the time from the file name, e.g. ${NAME_TIME_EXAMPLE}` },
    { flags: '-o, --output <file>', description: "where to write ('-' for stdout)" },
    { flags: '--force', description: 'replace an existing manifest' },
    { flags: '--allow-partial', description: 'write the manifest even when the dump is empty, truncated or lacks tables the database has' },
    { flags: '--json', description: 'machine-readable output' },
  ],
  schema: z
    .object({
      dumpFile: z.string().optional(),
      fromDb: z.string().optional(),
      at: isoTime('--at').optional(),
      nameTime: z
        .string()
        .refine((t) => /\{YYYY\}/.test(t), { error: (iss) => `--name-time ${String(iss.input)}: expected a template with at least {YYYY}, e.g. ${NAME_TIME_EXAMPLE}` })
        .optional(),
      output: z.string().optional(),
      force: flag,
      allowPartial: flag,
      json: flag,
    })
    // Asked to read the time from the name, a manifest never falls back to the mtime unnoticed: its consistent point is what a drill's RPO is judged by.
    .superRefine((o, ctx) => {
      const refuse = (message: string) => ctx.addIssue({ code: 'custom', message });
      if (!o.dumpFile && !o.fromDb) return refuse('give a dump file, --from-db DSN, or both');
      if (o.nameTime === undefined) return;
      if (!o.dumpFile) return refuse("--name-time reads the time from a dump file's name: give the file");
      const name = path.basename(o.dumpFile);
      if (!nameTimeParser(o.nameTime)(name)) refuse(`--name-time ${o.nameTime}: the name ${name} holds no time in this form`);
    }),
  run: (ctx, { dumpFile, ...o }) => manifestCommand(ctx, dumpFile, { ...o, version: ctx.version, dbPassword: ctx.env.LIFEBOAT_DB_PASSWORD }),
});
