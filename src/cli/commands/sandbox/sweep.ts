import { z } from 'zod';
import { loadConfig } from '../../../config/index.js';
import { sweepDeadDrills } from '../../../drills/index.js';
import { createJobProbe, redisConnection } from '../../../queue/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag, keyPrefix, redisFromEnv, redisUrl } from '../options.js';

/**
 * lifeboat sandbox sweep: marks `abandoned` the runs whose process died (with when they
 * were last seen), then tears down sandboxes left by them; teardowns are tried now
 * whatever their backoff. Exit 1 only when a teardown failed for the first time: one that
 * failed before is recorded on its lease and reported, not failed on again.
 * With Redis (distributed mode), a drill's queue job tells whether it is still running.
 */
async function sandboxSweepCommand(ctx: CliContext, opts: { json?: boolean; redis?: string; prefix?: string }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const probe = opts.redis ? createJobProbe(redisConnection(opts.redis), opts.prefix ?? 'lifeboat', ctx.logger) : undefined;
  const rt = await ctx.openRuntime(config);
  try {
    const r = await sweepDeadDrills({ ...rt, live: probe?.live }, { jobAlive: probe?.alive, force: true });
    if (opts.json) {
      const abandoned = r.abandoned.map((a) => ({ runId: a.runId, drill: a.drill, lastSeenAt: a.lastSeenAt, lastStep: a.steps.at(-1)?.name ?? null, error: a.error }));
      ctx.out(JSON.stringify({ abandoned, removed: r.removed, kept: r.kept, failed: r.failed, stuck: r.stuck }, null, 2));
    } else {
      const lines = [`abandoned ${r.abandoned.length} run(s); swept ${r.removed.length} sandbox(es), kept ${r.kept.length}, failed ${r.failed.length}, stuck ${r.stuck.length}`];
      for (const a of r.abandoned) lines.push(`  abandoned run ${a.runId} (${a.drill}): last seen ${a.lastSeenAt} at step ${a.steps.at(-1)?.name ?? 'start'}`);
      for (const l of r.removed) lines.push(`  removed ${l.kind} ${l.database}${l.user ? ` and user ${l.user}` : ''} (run ${l.runId})`);
      for (const k of r.kept) lines.push(`  kept ${k.lease.database}: ${k.why}`);
      for (const f of r.failed) lines.push(`  FAILED ${f.lease.database}: ${f.error}`);
      for (const s of r.stuck) lines.push(`  stuck ${s.lease.database}: ${s.attempts} failed teardowns since ${s.firstFailedAt}, last: ${s.lastError}`);
      ctx.out(lines.join('\n'));
    }
    return r.failed.length ? EXIT.targetFailed : EXIT.ok;
  } finally {
    await probe?.close();
    await rt.close();
  }
}

export const sandboxSweep = defineCommand({
  path: ['sandbox', 'sweep'],
  description: 'mark runs whose process died abandoned, and tear down the sandboxes left behind by them',
  options: [
    { flags: '--redis <url>', description: "distributed mode: ask BullMQ whether a drill's job is still held by a worker (default: REDIS_URL)" },
    { flags: '--prefix <prefix>', description: 'BullMQ key prefix', default: 'lifeboat' },
    JSON_OPTION(),
  ],
  fromEnv: redisFromEnv,
  schema: z.object({ redis: redisUrl.optional(), prefix: keyPrefix, json: flag }),
  run: (ctx, o) => sandboxSweepCommand(ctx, o),
});
