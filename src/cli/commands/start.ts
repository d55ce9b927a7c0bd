import { z } from 'zod';
import { loadConfig } from '../../config/index.js';
import { requireSharedState } from '../shared-state.js';
import { writeDemoBackups } from '../../demo/index.js';
import { runDrill, sweepDeadDrills } from '../../drills/index.js';
import { messageOf, type Logger } from '../../domain/index.js';
import { renderRun } from '../drill-format.js';
import { checkAll } from '../../jobs/index.js';
import { runCopies } from '../../copy/index.js';
import { describeCadence, nextFireTime, overdueDrills, startCronScheduler } from '../../scheduling/index.js';
import { createJobProbe, redisConnection, startWorkers, syncSchedulers } from '../../queue/index.js';
import type { Runtime } from '../../jobs/index.js';
import type { AlertRunner } from '../../alerts/index.js';
import type { MetricsHandle } from '../../metrics/index.js';
import type { EventBus } from '../../events/index.js';
import { renderFreshness, summaries } from '../check.js';
import { EXIT, type CliContext } from '../context.js';
import { defineCommand } from './define.js';
import { flag, keyPrefix, listen, LISTEN_OPTION, redisUrl } from './options.js';

const SWEEP_EVERY_MS = 5 * 60_000;

/**
 * lifeboat start: everything in one process. Prepares the demo when the estate asks for
 * it, sweeps dead drills' sandboxes, catches up on copies, shows one freshness table,
 * runs overdue drills, then runs schedules/ (node-cron, or BullMQ with --redis) until a signal.
 */
async function startCommand(ctx: CliContext, opts: { redis?: string; prefix?: string; listen?: { host: string; port: number }; json?: boolean } = {}): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  if (opts.redis) requireSharedState(config, 'lifeboat start --redis');
  const log = ctx.logger;
  if (config.estate.demo) {
    const files = await writeDemoBackups(config, ctx);
    log.info({ root: config.estate.demo.root, newFiles: files }, 'demo estate ready');
  }
  const runtime = await ctx.openRuntime(config);
  let alerting: AlertRunner | undefined;
  let metrics: MetricsHandle | undefined;
  try {
    // Runs and sandboxes left by drills that died with an earlier process go first.
    const probe = opts.redis ? createJobProbe(redisConnection(opts.redis), opts.prefix ?? 'lifeboat', log) : undefined;
    const swept = await sweepDeadDrills({ ...runtime, live: probe?.live }, { jobAlive: probe?.alive }).finally(() => probe?.close());
    if (swept.abandoned.length || swept.removed.length || swept.failed.length || swept.stuck.length) {
      log.warn({ abandoned: swept.abandoned.length, removed: swept.removed.length, failed: swept.failed.length, stuck: swept.stuck.length }, 'swept drills and sandboxes left by earlier processes');
    }
    if (config.estate.copies?.length) {
      // Catch up on cold copies first, so copy lag and drills from copies see them.
      const copied = await runCopies({ ...runtime, signal: ctx.signal });
      log.info({ copies: copied.length, copied: copied.filter((c) => c.outcome === 'copied').length }, 'copy pass done');
    }
    const { results } = await checkAll(runtime, { signal: ctx.signal });
    // --json: one JSON object per line (a long-running process has no single document to print).
    if (opts.json) ctx.out(JSON.stringify({ freshness: { checkedAt: ctx.clock.now().toISOString(), ...summaries(results), results } }));
    else ctx.out(`${renderFreshness(results)}\n`);

    // Embedded: node-cron in this process. With --redis: BullMQ schedulers and workers, as `lifeboat scheduler` + `lifeboat worker`.
    const scheduler = opts.redis ? await startQueueMode(runtime, opts.redis, opts.prefix ?? 'lifeboat', log) : { ...startCronScheduler(runtime, log), bus: runtime.bus };
    // This process's own work (the first drills) is told on its local bus; with --redis, the workers' on the Redis stream.
    metrics = await ctx.startMetrics({
      config,
      state: runtime.state,
      buses: [...new Set([runtime.bus, scheduler.bus])],
      listen: opts.listen,
      queue: opts.redis ? { connection: redisConnection(opts.redis), prefix: opts.prefix ?? 'lifeboat' } : undefined,
    });
    // Alerts from what the first check found, and from every change from now on (on the bus the jobs record on).
    alerting = await ctx.startAlerting({ ...runtime, bus: scheduler.bus }, metrics.metrics);
    void alerting.tick();
    // Embedded mode sweeps again every few minutes (a `drill run` killed meanwhile); with --redis the workers do.
    const sweeping = opts.redis
      ? undefined
      : setInterval(() => {
          sweepDeadDrills(runtime)
            .then((r) => (r.abandoned.length || r.removed.length || r.failed.length ? log.warn({ abandoned: r.abandoned.length, removed: r.removed.length, failed: r.failed.length }, 'swept drills whose process died') : undefined))
            .catch((err: unknown) => log.warn({ err: messageOf(err) }, 'sweep of dead drills failed; next time'));
        }, SWEEP_EVERY_MS);
    sweeping?.unref();
    // A drill whose cadence is overdue (no passed run this month/quarter/cron slot, grace included) runs now rather than at its next slot.
    const background: Promise<unknown>[] = [];
    for (const drill of await overdueDrills(config.drills.values(), runtime.runs, ctx.clock.now())) {
      log.info({ drill: drill.name }, `drill ${drill.name} is overdue (${describeCadence(drill.cadence!)}): no passed run since it was last due; running it now`);
      background.push(
        runDrill(drill.name, { ...runtime, signal: ctx.signal })
          .then((run) => ctx.out(opts.json ? JSON.stringify({ drill: run }) : `\n${renderRun(run)}\n`))
          .catch((err) => log.error({ drill: drill.name, err: messageOf(err) }, `drill ${drill.name} could not run`)),
      );
    }
    for (const s of scheduler.scheduled) log.info({ schedule: s.name, next: s.next?.toISOString() }, `scheduled ${s.name}`);
    log.info({ schedules: scheduler.scheduled.length, ledger: config.ledgerDir }, `lifeboat running (${opts.redis ? 'BullMQ' : 'embedded'} mode); Ctrl-C to stop`);

    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log.info('stopping: waiting for running jobs');
    clearInterval(sweeping);
    await scheduler.stop();
    // An aborted drill still tears its sandbox down before it settles.
    await Promise.allSettled(background);
    log.info('stopped');
    return EXIT.ok;
  } catch (err) {
    // Ctrl-C or SIGTERM while starting up (copy pass, first check) is a stop, not a failure.
    if (!ctx.signal.aborted) throw err;
    log.info('stopped');
    return EXIT.ok;
  } finally {
    // Events heard while stopping are evaluated before the state closes.
    await alerting?.stop();
    await metrics?.stop();
    await runtime.close();
  }
}

/** Scheduler and workers of distributed mode in this one process, behind the embedded scheduler's interface. */
async function startQueueMode(runtime: Runtime, url: string, prefix: string, log: Logger): Promise<{ scheduled: { name: string; next: Date | null }[]; bus: EventBus; stop(): Promise<void> }> {
  const connection = redisConnection(url);
  await syncSchedulers(runtime.config, connection, prefix, log);
  const pool = startWorkers(runtime, connection, prefix, log);
  const now = runtime.clock.now().getTime();
  const scheduled = [...runtime.config.schedules.values()]
    .filter((s) => s.enabled)
    .map((s) => {
      const next = nextFireTime(s.cron, s.timezone, now);
      return { name: s.name, next: next === undefined ? null : new Date(next) };
    });
  return { scheduled, bus: pool.bus, stop: () => pool.close() };
}

export const start = defineCommand({
  path: ['start'],
  description: 'run lifeboat in one process: demo estate (if configured), then schedules/ via node-cron, or via BullMQ with --redis',
  options: [
    { flags: '--redis [url]', description: 'scheduler and worker on BullMQ in this process (url default: REDIS_URL)' },
    { flags: '--prefix <prefix>', description: 'BullMQ key prefix', default: 'lifeboat' },
    LISTEN_OPTION,
    { flags: '--json', description: 'machine-readable output, one JSON object per line' },
  ],
  // `--redis` without a URL means REDIS_URL; an empty --redis '' means embedded mode.
  fromEnv: (o, env) => (o.redis === true && env.REDIS_URL ? { ...o, redis: env.REDIS_URL } : o),
  schema: z.object({
    redis: z
      .union([z.literal(true), z.string()])
      .optional()
      .superRefine((v, ctx) => {
        if (v === true) ctx.addIssue({ code: 'custom', message: '--redis without a URL needs REDIS_URL' });
      })
      .transform((v) => (typeof v === 'string' && v ? v : undefined))
      .pipe(redisUrl.optional()),
    prefix: keyPrefix,
    listen,
    json: flag,
  }),
  run: (ctx, o) => startCommand(ctx, o),
});
