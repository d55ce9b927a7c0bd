import { z } from 'zod';

/**
 * What a queued job carries: only the schedule's name. Everything else (the drill, the
 * resources, credentials) comes from the loaded config on the worker, so job data in
 * Redis (stored in plain text) never holds a secret and cannot disagree with the files.
 */
export const jobPayloadSchema = z.strictObject({
  schedule: z.string().min(1).max(63),
});

export type JobPayload = z.output<typeof jobPayloadSchema>;
