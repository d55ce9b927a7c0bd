import { z } from 'zod';
import { canarySetupCommand } from '../../canary.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';

export const canarySetup = defineCommand({
  path: ['canary', 'setup'],
  description: 'print the SQL that creates the canary table and its insert-only user on production',
  arguments: [{ name: '<resource>' }],
  options: [JSON_OPTION()],
  schema: z.object({ resource: z.string(), json: flag }),
  run: (ctx, { resource, ...o }) => canarySetupCommand(ctx, resource, o),
});
