import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { createEventRecorder, createRedisBus, type EventBus } from '../events/index.js';
import { formatDuration, type Schedule } from '../config/index.js';
import { isRetryable, messageOf, type Logger } from '../domain/index.js';
import { nextFireTime } from '../scheduling/index.js';
import { JOB_HANDLERS, type Runtime } from '../jobs/index.js';
import { QUEUE_OF } from './names.js';
import { jobPayloadSchema } from './payload.js';
import { createLiveState } from './live-state.js';
import { startDeadDrillSweeper } from './dead-drill-sweeper.js';
import { runLog } from './run-log.js';
import { queueSettings } from './strategies.js';

export interface WorkerPool {
  readonly workers: readonly Worker[];
  /** The Redis-stream bus the jobs record on: what every process's alerts, metrics and API hear. */
  readonly bus: EventBus;
  /**
   * Stops taking jobs and lets running ones finish; past the deadline they are aborted
   * (a drill tears its sandbox down) and their jobs go back to the queue for a retry.
   */
  close(deadlineMs?: number): Promise<void>;
}

/** Concurrency per queue: drills and copies are heavy, checks are light. */
export const DEFAULT_CONCURRENCY: Record<string, number> = { freshness: 2, drill: 1, copy: 1, 'copy-verify': 1, scrub: 1, canary: 2, 'demo-backups': 1 };

/** A slot missed by less than this runs on return; older ones are skipped. */
export const DEFAULT_CATCH_UP_MS = 5 * 60_000;

/**
 * For a job the scheduler made for a slot (id repeat:<scheduler>:<millis>): the newest
 * slot of its schedule that has come by now, how late it is, and whether that is past the
 * schedule's catch-up window. A queue that was down runs at most one missed slot, the newest.
 */
export function lateSlot(jobId: string, schedule: Schedule, nowMs: number): { slot: number; lateMs: number; windowMs: number; skip: boolean } | undefined {
  const m = /^repeat:.*:(\d+)$/.exec(jobId);
  if (!m) return undefined;
  let slot = Number(m[1]);
  for (let i = 0; i < 100_000; i++) {
    const next = nextFireTime(schedule.cron, schedule.timezone, slot);
    if (next === undefined || next > nowMs) break;
    slot = next;
  }
  const windowMs = schedule.catchUp ?? DEFAULT_CATCH_UP_MS;
  const lateMs = Math.max(0, nowMs - slot);
  return { slot, lateMs, windowMs, skip: lateMs > windowMs };
}

export interface WorkerOptions {
  concurrency?: Partial<Record<string, number>>;
  /** How long a job's lock lasts without renewal: a worker silent this long is taken for dead and its job handed on. */
  lockDurationMs?: number;
  /** How often this pool sweeps drills whose worker died (abandoned runs, their sandboxes); default 5 min, at start too. */
  sweepEveryMs?: number;
}

/**
 * Workers for every queue, running the same handlers as embedded mode. A payload that does
 * not parse, or names no schedule, fails for good (no retry); an error lifeboat marks
 * retryable (or a transient network error) is retried with backoff; any other error is
 * final. A job cut short by this pool's shutdown goes back to the queue.
 */
export function startWorkers(runtime: Runtime, connection: ConnectionOptions, prefix: string, logger: Logger, opts: WorkerOptions = {}): WorkerPool {
  const concurrency = opts.concurrency ?? {};
  const lockDuration = opts.lockDurationMs ?? 60_000;
  const redis = new Redis({ ...(connection as object), maxRetriesPerRequest: null });
  // ioredis reconnects by itself; without a listener it prints each failure to stderr past the logger (and --log-format json).
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'worker state connection problem (reconnecting)'));
  const log = runLog(redis, prefix);
  const live = createLiveState(redis, prefix);
  // Events cross processes here: whatever a job records reaches subscribers on any machine.
  const bus = createRedisBus(redis, prefix, logger);
  runtime = { ...runtime, bus, events: createEventRecorder({ ledger: runtime.ledger, bus, logger }) };
  const me = `${hostname()}:${process.pid}`;
  const abort = new AbortController();
  const sweeper = startDeadDrillSweeper(runtime, redis, connection, prefix, logger, { everyMs: opts.sweepEveryMs, holder: me, live });

  const processJob = async (job: Job) => {
    const parsed = jobPayloadSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`malformed job payload ${JSON.stringify(job.data).slice(0, 200)}: ${parsed.error.issues[0]?.message}`);
    const schedule = runtime.config.schedules.get(parsed.data.schedule);
    if (!schedule) throw new UnrecoverableError(`job names schedule ${parsed.data.schedule}, which this worker's schedules/ does not have`);
    if (QUEUE_OF[schedule.job] !== job.queueName) throw new UnrecoverableError(`schedule ${schedule.name} is a ${schedule.job} job, not one for queue ${job.queueName}`);
    const jlog = logger.child({ job: job.id, schedule: schedule.name });
    const late = lateSlot(String(job.id), schedule, runtime.clock.now().getTime());
    if (late?.skip) {
      const summary = `skipped: slot ${new Date(late.slot).toISOString()} was missed by ${formatDuration(late.lateMs)}, outside its catch-up window of ${formatDuration(late.windowMs)}`;
      await log.record({ schedule: schedule.name, jobId: String(job.id), worker: me, ok: true, summary, at: runtime.clock.now().toISOString() });
      jlog.warn(summary);
      return { ok: true, summary };
    }
    try {
      const outcome = await JOB_HANDLERS[schedule.job]({ runtime: { ...runtime, logger: jlog, live }, signal: abort.signal, jobKey: `${job.queueName}:${job.id}`, retriesLeft: job.attemptsMade + 1 < (job.opts.attempts ?? 1) }, schedule);
      await log.record({ schedule: schedule.name, jobId: String(job.id), worker: me, ok: outcome.ok, summary: outcome.summary, at: runtime.clock.now().toISOString() });
      jlog.info(`${schedule.name}: ${outcome.summary}`);
      return outcome;
    } catch (err) {
      // Aborted by this worker's shutdown: not the job's fault, so it returns to the queue for another worker.
      if (abort.signal.aborted || isRetryable(err)) throw err;
      throw new UnrecoverableError(messageOf(err));
    }
  };

  const workers = [...new Set(Object.values(QUEUE_OF))].map(
    (name) =>
      new Worker(name, processJob, {
        connection,
        prefix,
        concurrency: concurrency[name] ?? DEFAULT_CONCURRENCY[name] ?? 1,
        settings: queueSettings,
        lockDuration,
        stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
        maxStalledCount: 2,
      }),
  );
  for (const w of workers) {
    w.on('failed', (job, err) => logger.error({ queue: w.name, job: job?.id, attempts: job?.attemptsMade }, `job failed: ${err.message}`));
    w.on('error', (err) => logger.warn({ queue: w.name, err: err.message }, 'worker connection problem (BullMQ retries)'));
  }
  return {
    workers,
    bus,
    async close(deadlineMs = 60_000) {
      const timer = setTimeout(() => abort.abort(new Error('worker shutting down: deadline reached')), deadlineMs);
      try {
        await Promise.all(workers.map((w) => w.close()));
      } finally {
        clearTimeout(timer);
        abort.abort();
        await sweeper.stop();
        await redis.quit().catch(() => undefined);
      }
    },
  };
}
