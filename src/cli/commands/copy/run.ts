import { z } from 'zod';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';
import { formatDuration, loadConfig } from '../../../config/index.js';
import { runCopies } from '../../../copy/index.js';
import { LifeboatError, stopwatch } from '../../../domain/index.js';
import type { Runtime } from '../../../jobs/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { renderTable } from '../../output.js';

export const copyRun = defineCommand({
  path: ['copy', 'run'],
  description: 'copy the newest backups to each destination, verified and write-once; exit 1 on any conflict',
  options: [{ flags: '--policy <name>', description: 'only this copy policy' }, JSON_OPTION()],
  schema: z.object({ policy: z.string().optional(), json: flag }),
  run: (ctx, o) => copyRunCommand(ctx, o),
});

/** lifeboat copy run [--policy P]: copy and verify; exit 1 on any conflict or failed copy. */
async function copyRunCommand(ctx: CliContext, opts: { policy?: string; json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  if (!config.estate.copies?.length) throw new LifeboatError('USAGE', 'the estate has no copies: policies');
  if (opts.policy && !config.estate.copies.some((p) => p.name === opts.policy)) throw new LifeboatError('USAGE', `unknown copy policy ${opts.policy}: expected one of ${config.estate.copies.map((p) => p.name).join(', ')}`);
  const rt = await ctx.openRuntime(config);
  try {
    return await copyPass(ctx, rt, opts);
  } finally {
    await rt.close();
  }
}

async function copyPass(ctx: CliContext, rt: Runtime, opts: { policy?: string; json?: boolean }): Promise<number> {
  const elapsed = stopwatch();
  let shown = -Infinity;
  const results = await runCopies(
    {
      ...rt,
      signal: ctx.signal,
      onProgress: (p) => {
        const now = elapsed();
        if (now - shown < 1000) return;
        shown = now;
        ctx.progress(`copying ${p.file}: ${(p.bytes / 1e6).toFixed(1)} / ${(p.total / 1e6).toFixed(1)} MB (${p.total ? Math.floor((p.bytes / p.total) * 100) : 100}%)`);
      },
    },
    { policy: opts.policy },
  );
  ctx.progress('');
  const seconds = elapsed() / 1000;
  const bytes = results.reduce((n, r) => n + r.bytes, 0);
  const bad = results.filter((r) => r.outcome === 'conflict' || r.outcome === 'error' || r.outcome === 'source-bad');
  if (opts.json) ctx.out(JSON.stringify({ results, bytes, seconds }, null, 2));
  else {
    ctx.out(
      renderTable(
        ['RESOURCE', 'FILE', 'TO', 'OUTCOME', 'MB', 'TIME', 'DETAIL'],
        results.map((r) => [r.resource, r.key, r.to, r.outcome, (r.bytes / 1e6).toFixed(1), formatDuration(r.durationMs), r.detail ?? '']),
      ),
    );
    ctx.out(
      `\n${results.filter((r) => r.outcome === 'copied').length} copied (${(bytes / 1e6).toFixed(1)} MB at ${(bytes / 1e6 / Math.max(seconds, 0.001)).toFixed(1)} MB/s), ${results.filter((r) => r.outcome === 'already').length} already in place, ${bad.length} problem(s)`,
    );
    for (const b of bad) ctx.out(`! ${b.key} → ${b.to}: ${b.outcome}: ${b.detail}`);
  }
  return bad.length ? EXIT.targetFailed : EXIT.ok;
}
