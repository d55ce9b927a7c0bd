import { z } from 'zod';
import { durationField, durationSchema } from '../duration.js';
import { cronSchema, DEFAULT_TIME_ZONE, idSchema, ratioSchema, timezoneSchema } from './common.js';

/** Which backup a drill restores. */
export const backupSelectorSchema = z.union(
  [
    z.literal('latest'),
    z.strictObject({ 'latest-in-region': idSchema }),
    z.strictObject({ 'random-within': durationSchema }),
    z.strictObject({
      at: z.iso
        .datetime({ offset: true, error: 'expected an ISO time such as 2026-11-01T02:00:00Z' })
        // Year 0000 is valid ISO; no backup predates the Unix epoch.
        .refine((t) => Date.parse(t) >= 0, { error: (iss) => `expected a time after 1970-01-01T00:00:00Z, got ${JSON.stringify(iss.input)}` }),
    }),
  ],
  { error: 'expected latest, { latest-in-region: REGION }, { random-within: 30d } or { at: 2026-11-01T02:00:00Z }' },
);

const assertionSchema = z
  .strictObject({
    name: z.string().min(1),
    sql: z.string().min(1),
    equals: z.number().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    weight: z.number().positive().max(1000, { error: 'expected a weight from above 0 to 1000' }).optional(),
  })
  .refine((a) => a.equals !== undefined || a.min !== undefined || a.max !== undefined, {
    error: 'expected at least one of equals, min or max',
  })
  // No value can pass min > max: the assertion would fail every drill for a typo.
  .refine((a) => a.min === undefined || a.max === undefined || a.min <= a.max, {
    error: (iss) => {
      const a = iss.input as { min: number; max: number };
      return `expected min at most max, got min ${a.min} and max ${a.max}`;
    },
    path: ['min'],
  });

/** Slack after a cadence's slot before the drill is overdue: 0s means due the moment a month, quarter or cron time begins. */
const cadenceGraceSchema = durationField({ allowZero: true });

/** Timers cannot wait longer than about 24.8 days; a drill allowed longer would time out at once. */
const drillTimeoutSchema = durationField({ max: { ms: 24 * 86_400_000, text: '24d (the longest timer Node.js can set)' } });

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
        canary: z
          .strictObject({
            table: z
              .string()
              .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected a plain table name (letters, digits, _)' })
              .default('lifeboat_canary'),
          })
          .optional(),
        assertions: z.array(assertionSchema).default([]),
      })
      .optional(),
    targets: z.strictObject({ rto: durationSchema.optional(), rpo: durationSchema.optional(), completeness: ratioSchema.optional() }).optional(),
    cadence: z
      .union([
        z.enum(['monthly', 'quarterly']),
        z.strictObject({ every: z.enum(['monthly', 'quarterly']), timezone: timezoneSchema.default(DEFAULT_TIME_ZONE), grace: cadenceGraceSchema.optional() }),
        z.strictObject({ cron: cronSchema, timezone: timezoneSchema.default(DEFAULT_TIME_ZONE), grace: cadenceGraceSchema.optional() }),
      ])
      .optional()
      .meta({
        description:
          'How often the drill must pass: monthly (each calendar month), quarterly (each calendar quarter from January, April, July, October), or a cron time. ' +
          'The object forms { every: monthly, timezone, grace } and { cron, timezone, grace } give the IANA zone the calendar or cron is read in (default UTC) ' +
          'and a grace after each due slot (default 0s). The drill is overdue once the latest slot plus its grace has passed with no passed run started since that slot; ' +
          'failed and inconclusive runs do not count.',
      }),
    alertRoute: idSchema.optional().meta({ description: "The alert route told when this drill fails, misses a target or is overdue (default: its resource's)." }),
    timeout: drillTimeoutSchema.optional().meta({ description: 'Longest the whole drill may run (at most 24d).' }),
    teardown: z.union([z.literal('always'), z.strictObject({ 'keep-on-failure': durationSchema })]).default('always'),
  })
  .meta({ title: 'lifeboat drill (drills/*.yaml)' });

export type Drill = z.output<typeof drillSchema> & { name: string };
