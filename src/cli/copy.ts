import { formatDuration, loadConfig } from '../config/index.js';
import { copyStatus, runCopies, verifyCopies } from '../copy/index.js';
import { LifeboatError } from '../domain/index.js';
import { renderFreshness, summaries } from './check.js';
import type { Runtime } from '../jobs/index.js';
import { EXIT, type CliContext } from './context.js';
import { renderTable } from './output.js';

/** lifeboat copy run [--policy P]: copy and verify; exit 1 on any conflict or failed copy. */
export async function copyRunCommand(ctx: CliContext, opts: { policy?: string; json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  if (!config.estate.copies?.length) throw new LifeboatError('USAGE', 'the estate has no copies: policies');
  if (opts.policy && !config.estate.copies.some((p) => p.name === opts.policy)) throw new LifeboatError('USAGE', `unknown copy policy ${opts.policy}: expected one of ${config.estate.copies.map((p) => p.name).join(', ')}`);
  const rt = await ctx.openRuntime(config);
  try {
    return await copyRun(ctx, rt, opts);
  } finally {
    await rt.close();
  }
}

async function copyRun(ctx: CliContext, rt: Runtime, opts: { policy?: string; json?: boolean }): Promise<number> {
  const started = Date.now();
  let shown = 0;
  const results = await runCopies(
    {
      ...rt,
      signal: ctx.signal,
      onProgress: (p) => {
        const now = Date.now();
        if (now - shown < 1000) return;
        shown = now;
        ctx.progress(`copying ${p.file}: ${(p.bytes / 1e6).toFixed(1)} / ${(p.total / 1e6).toFixed(1)} MB (${p.total ? Math.floor((p.bytes / p.total) * 100) : 100}%)`);
      },
    },
    { policy: opts.policy },
  );
  ctx.progress('');
  const seconds = (Date.now() - started) / 1000;
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

/** lifeboat copy status: per resource × destination, the newest verified copy against the lag target. */
export async function copyStatusCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const rt = await ctx.openRuntime(config);
  const results = await copyStatus(config, rt.catalog, await rt.registry.read(), ctx.clock.now()).finally(() => rt.close());
  if (opts.json) ctx.out(JSON.stringify({ checkedAt: ctx.clock.now().toISOString(), ...summaries(results), results }, null, 2));
  else ctx.out(results.length ? renderFreshness(results) : 'no copy policies');
  return results.every((r) => r.status === 'fresh') ? EXIT.ok : EXIT.targetFailed;
}

/** lifeboat copy verify [--sample N]: re-hash copies; exit 1 naming any that changed. */
export async function copyVerifyCommand(ctx: CliContext, opts: { sample?: number; json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const rt = await ctx.openRuntime(config);
  const r = await verifyCopies({ ...rt, signal: ctx.signal }, { sample: opts.sample }).finally(() => rt.close());
  if (opts.json) ctx.out(JSON.stringify(r, null, 2));
  else ctx.out([`${r.checked} copies re-hashed, ${r.bad.length} bad`, ...r.bad.map((b) => `! ${b.key} in ${b.region}: ${b.problem}`)].join('\n'));
  return r.bad.length ? EXIT.targetFailed : EXIT.ok;
}
