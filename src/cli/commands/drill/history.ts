import { z } from 'zod';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';
import { loadConfig } from '../../../config/index.js';
import { LifeboatError } from '../../../domain/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { renderHistory } from '../../drill-format.js';

export const drillHistory = defineCommand({
  path: ['drill', 'history'],
  description: 'RTO, RPO and completeness of a drill over time',
  arguments: [{ name: '<name>' }],
  options: [JSON_OPTION()],
  schema: z.object({ name: z.string(), json: flag }),
  run: (ctx, { name, ...o }) => drillHistoryCommand(ctx, name, o),
});

async function drillHistoryCommand(ctx: CliContext, name: string, opts: { json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  if (!config.drills.has(name)) throw new LifeboatError('USAGE', `unknown drill ${name}`);
  const rt = await ctx.openRuntime(config);
  const runs = await rt.runs.list({ drill: name }).finally(() => rt.close());
  if (opts.json) {
    ctx.out(
      JSON.stringify(
        runs.map((r) => ({
          runId: r.runId,
          startedAt: r.startedAt,
          phase: r.phase,
          score: r.score?.score ?? null,
          rtoMs: r.score?.rto.achieved ?? null,
          rpoMs: r.score?.rpo.achieved ?? null,
          completeness: r.score?.completeness.achieved ?? null,
          reasons: r.score?.reasons ?? [],
          backup: r.backup?.name ?? null,
        })),
        null,
        2,
      ),
    );
  } else ctx.out(runs.length ? renderHistory(runs) : `no runs of ${name} yet`);
  return EXIT.ok;
}
