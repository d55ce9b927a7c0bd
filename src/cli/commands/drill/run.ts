import { z } from 'zod';
import { drillRunCommand } from '../../drill.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';

export const drillRun = defineCommand({
  path: ['drill', 'run'],
  description: 'restore, verify and score one drill; exit 0 passed, 1 failed, 2 config error, 3 infrastructure error, 4 inconclusive (no completeness check ran)',
  arguments: [{ name: '<name>', description: 'drill name' }],
  options: [{ flags: '--dry-run', description: 'check readiness only: backup usable, sandbox reachable with rights, guard passes; writes nothing' }, JSON_OPTION()],
  schema: z.object({ name: z.string(), dryRun: flag, json: flag }),
  run: (ctx, { name, ...o }) => drillRunCommand(ctx, name, o),
});
