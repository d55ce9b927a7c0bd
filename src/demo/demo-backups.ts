import { ensureDemoSecrets } from './demo-secrets.js';
import { createHash } from 'node:crypto';
import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type LoadedConfig, type Manifest, MANIFEST_SUFFIX } from '../config/index.js';
import type { Clock, Logger } from '../domain/index.js';
import { writeFileAtomic } from '../fsutil/index.js';
import { DEMO_PRODUCERS, type DemoProducer } from './producers.js';
import { renderMysqlDump, renderPostgresDump } from './render-dump.js';
import { shopDatabase } from './shop-data.js';
import { beat, exportDemoProduction, openDemoProduction } from './production-db.js';
import type { PGlite } from '@electric-sql/pglite';
import { CHECKSUM_ALGORITHM } from '../providers/index.js';

/**
 * The demo's stand-in for users' backup crons: fills in each demo resource's missing
 * backup slots up to now. Idempotent: a slot already on disk is left alone.
 */
export async function writeDemoBackups(config: LoadedConfig, deps: { clock: Clock; logger: Logger }): Promise<number> {
  await ensureDemoSecrets(config);
  let written = 0;
  for (const producer of DEMO_PRODUCERS) {
    const resource = config.resources.get(producer.resource);
    const root = resource && config.regionRoots.get(resource.region);
    if (!resource || !root) continue;
    const dir = path.resolve(root, resource.path);
    await mkdir(dir, { recursive: true });
    const source = resource.source?.engine === 'pglite' && producer.fromProduction ? path.resolve(config.baseDir, resource.source.dataDir) : undefined;
    let production: PGlite | undefined;
    try {
      const lastSlot = Math.floor((deps.clock.now().getTime() - (producer.stoppedAgoMs ?? 0)) / producer.everyMs);
      for (let k = producer.keep - 1; k >= 0; k--) {
        const slot = lastSlot - k;
        const at = new Date(slot * producer.everyMs);
        const content = async (): Promise<DumpContent> => {
          if (source) {
            production ??= await openDemoProduction(source);
            // The backup job beats the canary, then dumps: the restored beat is the backup's real RPO point.
            await beat(production, at, `demo:${resource.id}`);
            return exportDemoProduction(production);
          }
          // The data depends only on the slot, so the same slot always yields the same dump.
          const tables = shopDatabase(slot % 1000, producer.scale ?? 1);
          const schema = producer.engine === 'mysql' ? producer.prefix : 'public';
          return {
            sql: producer.engine === 'mysql' ? renderMysqlDump(producer.prefix, tables, at) : renderPostgresDump(tables),
            tables: tables.map((t) => ({ schema, name: t.name, rows: t.rows.length })),
          };
        };
        if (await writeSlot(dir, producer, at, content, k === 0 && producer.newestTruncated === true)) written++;
      }
    } finally {
      await production?.close();
    }
  }
  if (written) deps.logger.info({ files: written }, 'demo: wrote new sample backups');
  return written;
}

interface DumpContent {
  sql: string;
  tables: NonNullable<Manifest['tables']>;
}

async function writeSlot(dir: string, p: DemoProducer, at: Date, content: () => Promise<DumpContent>, truncate: boolean): Promise<boolean> {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const name = `${p.prefix}-${stamp}.sql.gz`;
  const file = path.join(dir, name);
  if (await exists(file)) return false;
  const { sql, tables } = await content();
  const gz = gzipSync(sql, { level: 6 });
  const body = truncate ? gz.subarray(0, Math.floor(gz.length * 0.6)) : gz;
  await writeFileAtomic(file, body);
  await utimes(file, at, at);
  if (p.manifest && !truncate) {
    const manifest: Manifest = {
      version: 1,
      file: name,
      size: gz.length,
      sha256: createHash('sha256').update(gz).digest('hex'),
      consistentPoint: at.toISOString(),
      consistentPointSource: 'given',
      engine: p.engine,
      format: p.engine === 'mysql' ? 'mysqldump' : 'pg_dump',
      compression: 'gzip',
      database: p.prefix,
      tables,
      checksumAlgorithm: tables.some((t) => t.checksum) ? CHECKSUM_ALGORITHM : undefined,
      createdBy: 'lifeboat demo',
    };
    await writeFile(file + MANIFEST_SUFFIX, `${JSON.stringify(manifest, null, 2)}\n`);
    await utimes(file + MANIFEST_SUFFIX, at, at);
  }
  return true;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
