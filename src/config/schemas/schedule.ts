import { z } from 'zod';
import { durationField } from '../duration.js';
import { byteRateSchema } from '../byte-rate.js';
import { cronSchema, DEFAULT_TIME_ZONE, idSchema, timezoneSchema } from './common.js';

const when = {
  name: idSchema.optional().meta({ description: 'Defaults to the file name without .yaml.' }),
  description: z.string().optional(),
  cron: cronSchema.meta({ description: 'Cron with optional seconds field: "0 2 * * *" or "*/30 * * * * *".' }),
  timezone: timezoneSchema.default(DEFAULT_TIME_ZONE).meta({ description: 'IANA zone the cron is read in.' }),
  catchUp: durationField({ allowZero: true }).optional().meta({ description: 'How late a missed slot may still run.' }),
  enabled: z.boolean().default(true),
};

/** One schedule file: when one job runs. The job kind decides which other fields apply. */
export const scheduleSchema = z
  .discriminatedUnion(
    'job',
    [
      z.strictObject({
        job: z.literal('freshness'),
        resources: z.array(idSchema).optional().meta({ description: 'Only these resources (default: all).' }),
        ...when,
      }),
      z.strictObject({ job: z.literal('drill'), drill: idSchema, ...when }),
      z.strictObject({ job: z.literal('copy'), policy: idSchema.optional().meta({ description: 'Only this copy policy (default: all).' }), ...when }),
      z.strictObject({
        job: z.literal('copy-verify'),
        sample: z.number().int().min(1).optional().meta({ description: 'Re-hash this many copies per run, longest-unverified first (default: all).' }),
        ...when,
      }),
      z.strictObject({
        job: z.literal('scrub'),
        resources: z.array(idSchema).optional().meta({ description: 'Only these resources and their copies (default: all).' }),
        rate: byteRateSchema.optional().meta({ description: "Read at most this fast, e.g. 50MB/s (default: the estate's scrub.rate, else unlimited)." }),
        ...when,
      }),
      z.strictObject({
        job: z.literal('canary'),
        resources: z.array(idSchema).optional().meta({ description: 'Only these resources (default: every resource with a source).' }),
        ...when,
      }),
      z.strictObject({
        job: z.literal('demo-backups'),
        ...when,
        description: z.string().optional().meta({ description: 'Writes new dumps into the demo estate, as a nightly backup cron would.' }),
      }),
    ],
    { error: (iss) => (iss.code === 'invalid_union' ? `expected job: freshness, drill, copy, copy-verify, scrub, canary or demo-backups` : undefined) },
  )
  .meta({ title: 'lifeboat schedule (schedules/*.yaml)' });

export type Schedule = z.output<typeof scheduleSchema> & { name: string };
export const JOB_KINDS = ['freshness', 'drill', 'copy', 'copy-verify', 'scrub', 'canary', 'demo-backups'] as const;
