import { z } from 'zod';

const tableSchema = z.strictObject({
  name: z.string().min(1),
  schema: z.string().optional().meta({ description: 'Database (MySQL) or schema (PostgreSQL) holding the table.' }),
  rows: z.number().int().min(0),
  checksum: z.string().optional().meta({ description: 'lifeboat content checksum (order-independent), see README.' }),
});

/**
 * The sidecar a backup script writes next to each dump as <file>.manifest.json.
 * Only version and one of (size, sha256, consistentPoint, tables) matter to freshness;
 * drills use tables and objects for completeness.
 */
export const manifestSchema = z
  .strictObject({
    version: z.literal(1),
    file: z.string().optional().meta({ description: 'Name of the backup file this manifest describes.' }),
    size: z.number().int().min(0).optional().meta({ description: 'Size in bytes of the backup file as written.' }),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lower-case hex digits' })
      .optional(),
    consistentPoint: z.iso.datetime({ offset: true, error: 'expected an ISO time such as 2026-11-22T02:00:00Z' }).optional(),
    consistentPointSource: z.string().optional(),
    engine: z.enum(['mysql', 'postgres', 'unknown']).optional(),
    format: z.string().optional().meta({ description: 'mysqldump, pg_dump, pg_dump-custom, sql, tar' }),
    compression: z.enum(['gzip', 'none']).optional(),
    database: z.string().optional(),
    tables: z.array(tableSchema).optional(),
    objects: z
      .strictObject({
        views: z.array(z.string()).optional(),
        routines: z.array(z.string()).optional(),
        triggers: z.array(z.string()).optional(),
      })
      .optional(),
    checksumAlgorithm: z.string().optional(),
    createdAt: z.iso.datetime({ offset: true }).optional(),
    createdBy: z.string().optional(),
  })
  .meta({ title: 'lifeboat backup manifest (<file>.manifest.json)' });

export type Manifest = z.output<typeof manifestSchema>;
export const MANIFEST_SUFFIX = '.manifest.json';
