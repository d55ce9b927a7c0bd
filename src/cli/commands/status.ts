import { z } from 'zod';
import { loadConfig, type LoadedConfig } from '../../config/index.js';
import { LifeboatError } from '../../domain/index.js';
import { deploymentStatus, redisConnection } from '../../queue/index.js';
import { cadenceStates, nextFireTime, type CadenceState } from '../../scheduling/index.js';
import { EXIT, type CliContext } from '../context.js';
import { renderTable } from '../output.js';
import type { StateStore } from '../../state/index.js';
import { alertBookOver, alertSummary } from '../../alerts/index.js';
import { defineCommand } from './define.js';
import { flag, keyPrefix, redisFromEnv, redisUrl } from './options.js';

/** The estate, when there is one here: status reads Redis first, and drills' cadence from the runs this state folder holds. */
async function estateIfAny(configPath: string): Promise<LoadedConfig | undefined> {
  try {
    return await loadConfig(configPath);
  } catch (err) {
    if (err instanceof LifeboatError && err.code === 'CONFIG_NOT_FOUND') return undefined;
    throw err;
  }
}

async function withState<T>(ctx: CliContext, config: LoadedConfig, fn: (state: StateStore) => Promise<T>): Promise<T> {
  const state = await ctx.openState(config);
  try {
    return await fn(state);
  } finally {
    await state.close();
  }
}

/** lifeboat status: the distributed deployment at a glance; exit 1 when no worker is alive, a resource is not fresh or a drill is overdue. */
async function statusCommand(ctx: CliContext, opts: { redis?: string; prefix: string; json?: boolean }): Promise<number> {
  if (!opts.redis) return embeddedStatus(ctx, opts);
  const s = await deploymentStatus(redisConnection(opts.redis), opts.prefix);
  const config = await estateIfAny(ctx.configPath);
  // The state store is the system of record: Redis's live list of running drills keeps an
  // entry whose removal was lost (a worker killed, an outage), which would show a ghost.
  const fromState = config
    ? await withState(ctx, config, async (state) => ({
        running: await state.runs.list({ phase: 'running' }),
        drills: await cadenceStates(config.drills.values(), state.runs, ctx.clock.now()),
        alerts: alertSummary(await alertBookOver(state.alerts).read()),
      }))
    : undefined;
  if (fromState) s.runningDrills = fromState.running.map((r) => ({ runId: r.runId, drill: r.drill, step: r.steps.at(-1)?.name ?? 'start', startedAt: r.startedAt, owner: r.owner }));
  const drills: CadenceState[] = fromState?.drills ?? [];
  const overdue = drills.filter((d) => d.overdue);
  const notFresh = Object.entries(s.freshness).filter(([, v]) => v.status !== 'fresh');
  const workersAlive = Math.max(0, ...s.queues.map((q) => q.workers));
  const alerts = fromState?.alerts;
  if (opts.json) ctx.out(JSON.stringify({ ...s, drills, ...(alerts ? { alerts } : {}) }, null, 2));
  else {
    ctx.out(
      renderTable(
        ['QUEUE', 'WORKERS', 'WAITING', 'ACTIVE', 'DELAYED', 'FAILED', 'DONE'],
        s.queues.map((q) => [q.name, String(q.workers), String(q.waiting), String(q.active), String(q.delayed), String(q.failed), String(q.completed)]),
      ),
    );
    ctx.out('');
    // A job that is not ok may be a failed or an inconclusive drill: its summary says which.
    ctx.out(
      renderTable(
        ['SCHEDULE', 'CRON', 'NEXT RUN', 'LAST RUN'],
        s.schedules.map((x) => [x.name, `${x.cron ?? ''} ${x.timezone ?? ''}`.trim(), x.next ?? '-', x.lastRun ? `${x.lastRun.at} ${x.lastRun.ok ? 'ok' : 'NOT OK'}: ${x.lastRun.summary}` : '-']),
      ),
    );
    ctx.out('');
    ctx.out(
      s.runningDrills.length
        ? renderTable(
            ['RUNNING DRILL', 'RUN', 'STEP', 'SINCE', 'ON'],
            s.runningDrills.map((d) => [d.drill, d.runId, d.step, d.startedAt, `${d.owner.host}:${d.owner.pid}`]),
          )
        : 'no drill running',
    );
    if (drills.length) {
      ctx.out('');
      ctx.out(renderCadences(drills));
    }
    ctx.out(`${Object.keys(s.freshness).length} resources and copies known: ${notFresh.length} not fresh${notFresh.map(([k, v]) => `\n! ${k} is ${v.status}: ${v.reason}`).join('')}`);
    for (const line of overdueLines(overdue)) ctx.out(line);
    if (alerts) ctx.out(alertsLine(alerts));
  }
  return workersAlive > 0 && notFresh.length === 0 && overdue.length === 0 && !alerts?.deadLetters ? EXIT.ok : EXIT.targetFailed;
}

const renderCadences = (drills: CadenceState[]) =>
  renderTable(
    ['DRILL', 'CADENCE', 'DUE SINCE', 'LAST PASSED', 'LAST RUN', 'STATE'],
    drills.map((d) => [d.drill, d.cadence, d.dueSince ?? '-', d.lastPassed ?? 'never', d.lastRun ? `${d.lastRun.startedAt} ${d.lastRun.phase}${d.lastRun.score === null ? '' : ` ${d.lastRun.score}/100`}` : '-', d.overdue ? 'OVERDUE' : 'ok']),
  );

/** Alerting at a glance; dead letters are messages nobody received, so they are shouted. */
const alertsLine = (a: ReturnType<typeof alertSummary>) =>
  `alerts: ${a.firing} firing${a.silenced ? ` (${a.silenced} silenced)` : ''}, ${a.waiting} message(s) waiting${a.deadLetters ? `\n! ${a.deadLetters} alert message(s) could not be delivered (dead letters): see lifeboat alerts` : ''}`;

const overdueLines = (overdue: CadenceState[]) => overdue.map((d) => `! drill ${d.drill} is overdue: no passed run since ${d.dueSince} (${d.cadence}); last passed ${d.lastPassed ?? 'never'}`);

/**
 * Without Redis: the embedded deployment (`lifeboat start`) as this estate's files show it:
 * each schedule's next slot, the drills running now and each drill against its cadence.
 * Freshness is `lifeboat check`'s job (it reads every folder); status reads only state.
 * Exit 1 when a drill is overdue.
 */
async function embeddedStatus(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const now = ctx.clock.now();
  const state = await ctx.openState(config);
  const schedules = [...config.schedules.values()].map((x) => {
    const next = nextFireTime(x.cron, x.timezone, now.getTime());
    return { name: x.name, job: x.job, cron: x.cron, timezone: x.timezone, next: next === undefined ? null : new Date(next).toISOString() };
  });
  const { running, drills, alerts } = await (async () => {
    try {
      return { running: await state.runs.list({ phase: 'running' }), drills: await cadenceStates(config.drills.values(), state.runs, now), alerts: alertSummary(await alertBookOver(state.alerts).read()) };
    } finally {
      await state.close();
    }
  })();
  const runningDrills = running.map((r) => ({ drill: r.drill, runId: r.runId, step: r.steps.at(-1)?.name ?? null, startedAt: r.startedAt, owner: r.owner ?? null }));
  const overdue = drills.filter((d) => d.overdue);
  if (opts.json) ctx.out(JSON.stringify({ mode: 'embedded', schedules, runningDrills, drills, alerts }, null, 2));
  else {
    ctx.out(`embedded deployment (no --redis): state from ${state.kind === 'files' ? "this estate's stateDir" : `PostgreSQL ${state.where}`}; freshness: lifeboat check`);
    ctx.out('');
    ctx.out(
      renderTable(
        ['SCHEDULE', 'JOB', 'CRON', 'NEXT RUN'],
        schedules.map((x) => [x.name, x.job, `${x.cron} ${x.timezone}`, x.next ?? '-']),
      ),
    );
    ctx.out('');
    ctx.out(
      runningDrills.length
        ? renderTable(
            ['RUNNING DRILL', 'RUN', 'STEP', 'SINCE', 'ON'],
            runningDrills.map((d) => [d.drill, d.runId, d.step ?? '-', d.startedAt, d.owner ? `${d.owner.host}:${d.owner.pid}` : '-']),
          )
        : 'no drill running',
    );
    if (drills.length) {
      ctx.out('');
      ctx.out(renderCadences(drills));
    }
    for (const line of overdueLines(overdue)) ctx.out(line);
    ctx.out(alertsLine(alerts));
  }
  return overdue.length || alerts.deadLetters ? EXIT.targetFailed : EXIT.ok;
}

export const status = defineCommand({
  path: ['status'],
  description: 'distributed mode: queues, workers alive, next run of each schedule, running drills, statuses',
  options: [
    { flags: '--redis <url>', description: 'Redis URL (default: REDIS_URL)' },
    { flags: '--prefix <prefix>', description: 'BullMQ key prefix', default: 'lifeboat' },
    { flags: '--json', description: 'machine-readable output' },
  ],
  fromEnv: redisFromEnv,
  schema: z.object({ redis: redisUrl.optional(), prefix: keyPrefix, json: flag }),
  run: (ctx, o) => statusCommand(ctx, o),
});
