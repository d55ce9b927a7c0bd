import { z } from 'zod';
import { drillHistoryCommand } from '../../drill.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';

export const drillHistory = defineCommand({
  path: ['drill', 'history'],
  description: 'RTO, RPO and completeness of a drill over time',
  arguments: [{ name: '<name>' }],
  options: [JSON_OPTION()],
  schema: z.object({ name: z.string(), json: flag }),
  run: (ctx, { name, ...o }) => drillHistoryCommand(ctx, name, o),
});
