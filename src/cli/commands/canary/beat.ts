import { z } from 'zod';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag, ids } from '../options.js';
import { DEFAULT_TIME_ZONE, loadConfig } from '../../../config/index.js';
import { LifeboatError } from '../../../domain/index.js';
import { canaryJob } from '../../../jobs/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { jsonText } from '../../json-error.js';

export const canaryBeat = defineCommand({
  path: ['canary', 'beat'],
  description: "write one heartbeat into each resource's production canary table",
  isDefault: true,
  options: [{ flags: '-r, --resource <id...>', description: 'only these resources' }, JSON_OPTION()],
  schema: z.object({ resource: ids, json: flag }),
  run: (ctx, o) => canaryCommand(ctx, o),
});

/** lifeboat canary [-r id…]: one heartbeat into each production canary table; exit 1 if any failed. */
async function canaryCommand(ctx: CliContext, opts: { resource?: string[]; json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  for (const id of opts.resource ?? []) {
    const r = config.resources.get(id);
    if (!r) throw new LifeboatError('USAGE', `unknown resource ${id}`);
    if (!r.source) throw new LifeboatError('USAGE', `resource ${id} has no source database to write a canary to`);
  }
  const rt = await ctx.openRuntime(config);
  try {
    const outcome = await canaryJob({ runtime: rt, signal: ctx.signal }, { job: 'canary', name: 'cli', cron: '* * * * *', timezone: DEFAULT_TIME_ZONE, enabled: true, resources: opts.resource?.length ? opts.resource : undefined });
    ctx.out(opts.json ? jsonText(outcome) : outcome.summary);
    return outcome.ok ? EXIT.ok : EXIT.targetFailed;
  } finally {
    await rt.close();
  }
}
