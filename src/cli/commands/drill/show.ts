import { z } from 'zod';
import { drillShowCommand } from '../../drill.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';

export const drillShow = defineCommand({
  path: ['drill', 'show'],
  description: 'one run: targets vs achieved, phases, checks',
  arguments: [{ name: '<run-id>', description: "a run id, or a drill's name for its latest run" }],
  options: [JSON_OPTION()],
  schema: z.object({ runId: z.string(), json: flag }),
  run: (ctx, { runId, ...o }) => drillShowCommand(ctx, runId, o),
});
