import { z } from 'zod';
import { drillListCommand } from '../../drill.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';

export const drillList = defineCommand({
  path: ['drill', 'list'],
  description: 'the drills in drills/',
  options: [JSON_OPTION()],
  schema: z.object({ json: flag }),
  run: (ctx, o) => drillListCommand(ctx, o),
});
