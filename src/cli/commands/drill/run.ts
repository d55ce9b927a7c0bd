import { z } from 'zod';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';
import { loadConfig } from '../../../config/index.js';
import { dryRunDrill, runDrill, type DrillRun } from '../../../drills/index.js';
import { LifeboatError, stopwatch } from '../../../domain/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { renderRun } from '../../drill-format.js';

export const drillRun = defineCommand({
  path: ['drill', 'run'],
  description: 'restore, verify and score one drill; exit 0 passed, 1 failed, 2 config error, 3 infrastructure error, 4 inconclusive (no completeness check ran)',
  arguments: [{ name: '<name>', description: 'drill name' }],
  options: [{ flags: '--dry-run', description: 'check readiness only: backup usable, sandbox reachable with rights, guard passes; writes nothing' }, JSON_OPTION()],
  schema: z.object({ name: z.string(), dryRun: flag, json: flag }),
  run: (ctx, { name, ...o }) => drillRunCommand(ctx, name, o),
});

/** lifeboat drill run NAME: exit 0 passed, 1 a target or check failed, 2 config error, 3 infrastructure error, 4 inconclusive. */
async function drillRunCommand(ctx: CliContext, name: string, opts: { json?: boolean; dryRun?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  if (!config.drills.has(name)) throw new LifeboatError('USAGE', `unknown drill ${name}: expected one of ${[...config.drills.keys()].join(', ') || '(none defined)'}`);
  const rt = await ctx.openRuntime(config);
  try {
    if (opts.dryRun) {
      const r = await dryRunDrill(name, { ...rt, signal: ctx.signal });
      if (opts.json) ctx.out(JSON.stringify(r, null, 2));
      else ctx.out([`drill ${name}: ${r.ready ? 'ready' : 'NOT READY'}`, ...r.checks.map((c) => `  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`), ...r.warnings.map((w) => `  ! ${w}`)].join('\n'));
      // A guard refusal exits as the real run would (2): the same code judged it.
      return r.refused ? EXIT.usage : r.ready ? EXIT.ok : EXIT.targetFailed;
    }
    const elapsed = stopwatch();
    let lastShown = -Infinity;
    const run = await runDrill(name, {
      ...rt,
      signal: ctx.signal,
      onProgress: ({ bytes, total }) => {
        const now = elapsed();
        if (now - lastShown < 1000 && bytes < total) return;
        lastShown = now;
        ctx.progress(`restoring ${progressSize(bytes, total)} (${total ? Math.floor((bytes / total) * 100) : 100}%)`);
      },
    });
    ctx.progress('');
    ctx.out(opts.json ? JSON.stringify(run, null, 2) : renderRun(run));
    return exitFor(run);
  } finally {
    await rt.close();
  }
}

export function exitFor(run: DrillRun): number {
  return run.phase === 'passed' ? EXIT.ok : run.phase === 'failed' || run.phase === 'partially-failed' ? EXIT.targetFailed : run.phase === 'inconclusive' ? EXIT.inconclusive : EXIT.infrastructure;
}

/** "9.8 / 9.8 KB" or "27.3 / 200.3 MB": a small dump does not read as "0.0 / 0.0 MB". */
function progressSize(bytes: number, total: number): string {
  const [unit, div] = total >= 1e6 ? ['MB', 1e6] : ['KB', 1e3];
  return `${(bytes / div).toFixed(1)} / ${(total / div).toFixed(1)} ${unit}`;
}
