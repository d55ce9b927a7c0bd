import { z } from 'zod';
import { copyRunCommand } from '../../copy.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';

export const copyRun = defineCommand({
  path: ['copy', 'run'],
  description: 'copy the newest backups to each destination, verified and write-once; exit 1 on any conflict',
  options: [{ flags: '--policy <name>', description: 'only this copy policy' }, JSON_OPTION()],
  schema: z.object({ policy: z.string().optional(), json: flag }),
  run: (ctx, o) => copyRunCommand(ctx, o),
});
