import { z } from 'zod';
import { copyVerifyCommand } from '../../copy.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag, positiveInt } from '../options.js';

export const copyVerify = defineCommand({
  path: ['copy', 'verify'],
  description: 're-hash copies to find bit rot or tampering; exit 1 naming any that changed',
  options: [{ flags: '--sample <n>', description: 'only the n copies verified longest ago' }, JSON_OPTION()],
  schema: z.object({ sample: positiveInt('--sample').optional(), json: flag }),
  run: (ctx, o) => copyVerifyCommand(ctx, o),
});
