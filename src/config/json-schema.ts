import { z } from 'zod';
import { drillSchema } from './schemas/drill.js';
import { estateSchema } from './schemas/estate.js';
import { scheduleSchema } from './schemas/schedule.js';

/** The file kinds a user writes, with the schema that defines each. */
export const FILE_KINDS = {
  estate: { file: 'lifeboat.schema.json', schema: estateSchema },
  drill: { file: 'drill.schema.json', schema: drillSchema },
  schedule: { file: 'schedule.schema.json', schema: scheduleSchema },
} as const;

export type FileKind = keyof typeof FILE_KINDS;

/** JSON Schema of what a user writes (the input side: durations are strings there). */
export function jsonSchemaFor(kind: FileKind): Record<string, unknown> {
  return z.toJSONSchema(FILE_KINDS[kind].schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
