import { z } from 'zod';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag, positiveInt } from '../options.js';
import { loadConfig } from '../../../config/index.js';
import { verifyCopies } from '../../../copy/index.js';
import { EXIT, type CliContext } from '../../context.js';

export const copyVerify = defineCommand({
  path: ['copy', 'verify'],
  description: 're-hash copies to find bit rot or tampering; exit 1 naming any that changed',
  options: [{ flags: '--sample <n>', description: 'only the n copies verified longest ago' }, JSON_OPTION()],
  schema: z.object({ sample: positiveInt('--sample').optional(), json: flag }),
  run: (ctx, o) => copyVerifyCommand(ctx, o),
});

/** lifeboat copy verify [--sample N]: re-hash copies; exit 1 naming any that changed. */
async function copyVerifyCommand(ctx: CliContext, opts: { sample?: number; json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const rt = await ctx.openRuntime(config);
  const r = await verifyCopies({ ...rt, signal: ctx.signal }, { sample: opts.sample }).finally(() => rt.close());
  if (opts.json) ctx.out(JSON.stringify(r, null, 2));
  else ctx.out([`${r.checked} copies re-hashed, ${r.bad.length} bad`, ...r.bad.map((b) => `! ${b.key} in ${b.region}: ${b.problem}`)].join('\n'));
  return r.bad.length ? EXIT.targetFailed : EXIT.ok;
}
