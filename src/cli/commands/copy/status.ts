import { z } from 'zod';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';
import { loadConfig } from '../../../config/index.js';
import { copyStatus as copyStatusOf } from '../../../copy/index.js';
import { renderFreshness, summaries } from '../../check.js';
import { EXIT, type CliContext } from '../../context.js';

export const copyStatus = defineCommand({
  path: ['copy', 'status'],
  description: 'per resource and destination: newest verified copy, lag, target, status',
  options: [JSON_OPTION()],
  schema: z.object({ json: flag }),
  run: (ctx, o) => copyStatusCommand(ctx, o),
});

/** lifeboat copy status: per resource × destination, the newest verified copy against the lag target. */
async function copyStatusCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const rt = await ctx.openRuntime(config);
  const results = await copyStatusOf(config, rt.catalog, await rt.registry.read(), ctx.clock.now()).finally(() => rt.close());
  if (opts.json) ctx.out(JSON.stringify({ checkedAt: ctx.clock.now().toISOString(), ...summaries(results), results }, null, 2));
  else ctx.out(results.length ? renderFreshness(results) : 'no copy policies');
  return results.every((r) => r.status === 'fresh') ? EXIT.ok : EXIT.targetFailed;
}
