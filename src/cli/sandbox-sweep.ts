import { loadConfig } from '../config/index.js';
import { sweepLeases } from '../drills/index.js';
import { EXIT, type CliContext } from './context.js';

/** lifeboat sandbox sweep: tears down sandboxes left by drills that died; exit 1 if any could not be removed. */
export async function sandboxSweepCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const rt = await ctx.openRuntime(config);
  const r = await sweepLeases(rt);
  if (opts.json) ctx.out(JSON.stringify({ removed: r.removed, kept: r.kept, failed: r.failed }, null, 2));
  else {
    const lines = [`swept ${r.removed.length} sandbox(es), kept ${r.kept.length}, failed ${r.failed.length}`];
    for (const l of r.removed) lines.push(`  removed ${l.kind} ${l.database}${l.user ? ` and user ${l.user}` : ''} (run ${l.runId})`);
    for (const k of r.kept) lines.push(`  kept ${k.lease.database}: ${k.why}`);
    for (const f of r.failed) lines.push(`  FAILED ${f.lease.database}: ${f.error}`);
    ctx.out(lines.join('\n'));
  }
  return r.failed.length ? EXIT.targetFailed : EXIT.ok;
}
