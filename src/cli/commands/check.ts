import { z } from 'zod';
import { checkCommand } from '../check.js';
import { defineCommand } from './define.js';
import { flag, ids } from './options.js';

export const check = defineCommand({
  path: ['check'],
  description: 'freshness of every resource; exit 0 all fresh, 1 any not fresh',
  options: [
    { flags: '--json', description: 'machine-readable output (fields in README)' },
    { flags: '-r, --resource <id...>', description: 'only these resources' },
  ],
  schema: z.object({ json: flag, resource: ids }),
  run: (ctx, o) => checkCommand(ctx, o),
});
