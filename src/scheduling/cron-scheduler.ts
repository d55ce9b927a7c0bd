import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Schedule } from '../config/index.js';
import { messageOf, type Logger } from '../domain/index.js';
import { JOB_HANDLERS, type JobContext, type Runtime } from '../jobs/index.js';

export interface EmbeddedScheduler {
  stop(): Promise<void>;
  readonly scheduled: ReadonlyArray<{ name: string; next: Date | null }>;
}

/**
 * Embedded mode: node-cron fires the jobs in this process. A slot that comes while the
 * previous run of the same schedule is still going is skipped (noOverlap), not queued.
 */
export function startCronScheduler(runtime: Runtime, logger: Logger): EmbeddedScheduler {
  const abort = new AbortController();
  const running = new Set<Promise<void>>();
  const tasks = new Map<string, ScheduledTask>();

  const run = (schedule: Schedule) => {
    const handler = JOB_HANDLERS[schedule.job];
    const log = logger.child({ schedule: schedule.name, job: schedule.job });
    const ctx: JobContext = { runtime: { ...runtime, logger: log }, signal: abort.signal };
    const started = runtime.clock.now().getTime();
    const p = handler(ctx, schedule)
      .then((o) => log.info({ ms: runtime.clock.now().getTime() - started, ...o.details }, `${schedule.name}: ${o.summary}`))
      .catch((err) => {
        if (!abort.signal.aborted) log.error({ err: messageOf(err) }, `${schedule.name} failed`);
      })
      .finally(() => running.delete(p));
    running.add(p);
    return p;
  };

  for (const schedule of runtime.config.schedules.values()) {
    if (!schedule.enabled) continue;
    const task = cron.schedule(schedule.cron, () => run(schedule), { name: schedule.name, timezone: schedule.timezone, noOverlap: true, logger: cronLogger(logger.child({ schedule: schedule.name, job: schedule.job })) });
    tasks.set(schedule.name, task);
  }

  return {
    async stop() {
      for (const t of tasks.values()) await t.stop();
      abort.abort();
      await Promise.allSettled([...running]);
      for (const t of tasks.values()) await t.destroy();
    },
    get scheduled() {
      return [...tasks.entries()].map(([name, t]) => ({ name, next: t.getNextRun() }));
    },
  };
}

/** node-cron's own messages (a slot skipped because the last run is still going) go to lifeboat's log, so --log-format json stays JSON. */
function cronLogger(log: Logger): CronLogger {
  const text = (m: string | Error) => (m instanceof Error ? m.message : m);
  return {
    info: (m) => log.info(text(m)),
    warn: (m) => log.warn(text(m)),
    error: (m, err) => log.error(err ? { err: messageOf(err) } : {}, text(m)),
    debug: (m) => log.debug(text(m)),
  };
}
