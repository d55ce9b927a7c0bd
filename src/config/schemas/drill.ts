import { z } from 'zod';
import { durationSchema } from '../duration.js';
import { cronSchema, idSchema, ratioSchema, timezoneSchema } from './common.js';

/** Which backup a drill restores. */
export const backupSelectorSchema = z.union([
  z.literal('latest'),
  z.strictObject({ 'latest-in-region': idSchema }),
  z.strictObject({ 'random-within': durationSchema }),
  z.strictObject({ at: z.iso.datetime({ offset: true, error: 'expected an ISO time such as 2026-11-01T02:00:00Z' }) }),
], { error: 'expected latest, { latest-in-region: REGION }, { random-within: 30d } or { at: 2026-11-01T02:00:00Z }' });

const assertionSchema = z
  .strictObject({
    name: z.string().min(1),
    sql: z.string().min(1),
    equals: z.number().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    weight: z.number().positive().optional(),
  })
  .refine((a) => a.equals !== undefined || a.min !== undefined || a.max !== undefined, {
    error: 'expected at least one of equals, min or max',
  });

export const drillSchema = z
  .strictObject({
    name: idSchema.optional().meta({ description: 'Defaults to the file name without .yaml.' }),
    description: z.string().optional(),
    resource: idSchema,
    backup: backupSelectorSchema.default('latest'),
    sandbox: idSchema,
    checks: z
      .strictObject({
        rowCounts: z.boolean().default(true),
        checksums: z.boolean().default(true),
        schemaObjects: z.boolean().default(true),
        canary: z.strictObject({ table: z.string().default('lifeboat_canary') }).optional(),
        assertions: z.array(assertionSchema).default([]),
      })
      .optional(),
    targets: z
      .strictObject({ rto: durationSchema.optional(), rpo: durationSchema.optional(), completeness: ratioSchema.optional() })
      .optional(),
    cadence: z
      .union([z.enum(['monthly', 'quarterly']), z.strictObject({ cron: cronSchema, timezone: timezoneSchema.optional() })])
      .optional(),
    timeout: durationSchema.optional(),
    teardown: z
      .union([z.literal('always'), z.strictObject({ 'keep-on-failure': durationSchema })])
      .default('always'),
  })
  .meta({ title: 'lifeboat drill (drills/*.yaml)' });

export type Drill = z.output<typeof drillSchema> & { name: string };
