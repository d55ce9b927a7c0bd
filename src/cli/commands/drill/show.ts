import { z } from 'zod';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';
import { loadConfig } from '../../../config/index.js';
import { LifeboatError } from '../../../domain/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { renderRun } from '../../drill-format.js';

export const drillShow = defineCommand({
  path: ['drill', 'show'],
  description: 'one run: targets vs achieved, phases, checks',
  arguments: [{ name: '<run-id>', description: "a run id, or a drill's name for its latest run" }],
  options: [JSON_OPTION()],
  schema: z.object({ runId: z.string(), json: flag }),
  run: (ctx, { runId, ...o }) => drillShowCommand(ctx, runId, o),
});

async function drillShowCommand(ctx: CliContext, runId: string, opts: { json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const rt = await ctx.openRuntime(config);
  try {
    // A drill's name stands for its latest run: what a person asks for after `drill run`.
    const run = (await rt.runs.get(runId)) ?? (config.drills.has(runId) ? (await rt.runs.list({ drill: runId })).at(-1) : undefined);
    if (!run) throw new LifeboatError('USAGE', config.drills.has(runId) ? `drill ${runId} has no runs yet` : `no drill run ${runId}`);
    ctx.out(opts.json ? JSON.stringify(run, null, 2) : renderRun(run));
    return EXIT.ok;
  } finally {
    await rt.close();
  }
}
