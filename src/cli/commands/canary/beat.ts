import { z } from 'zod';
import { canaryCommand } from '../../canary.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag, ids } from '../options.js';

export const canaryBeat = defineCommand({
  path: ['canary', 'beat'],
  description: "write one heartbeat into each resource's production canary table",
  isDefault: true,
  options: [{ flags: '-r, --resource <id...>', description: 'only these resources' }, JSON_OPTION()],
  schema: z.object({ resource: ids, json: flag }),
  run: (ctx, o) => canaryCommand(ctx, o),
});
