import { z } from 'zod';
import { copyStatusCommand } from '../../copy.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';

export const copyStatus = defineCommand({
  path: ['copy', 'status'],
  description: 'per resource and destination: newest verified copy, lag, target, status',
  options: [JSON_OPTION()],
  schema: z.object({ json: flag }),
  run: (ctx, o) => copyStatusCommand(ctx, o),
});
