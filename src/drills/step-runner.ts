import type { Clock, Logger } from '../domain/index.js';
import { messageOf } from '../domain/index.js';
import type { EventRecorder } from '../events/index.js';
import type { RunStore } from './run-store.js';
import type { SlotFence } from './slot-fence.js';
import type { StepOutput } from './steps/step-output.js';
import type { DrillRun, StepName } from './types.js';

/** Steps that run whatever happened before them, and only touch the run's own record and lease. */
const ALWAYS = new Set<StepName>(['score', 'teardown']);

/**
 * The drill's engine: runs one named step, saving the run as the step starts and ends (so a
 * crash leaves the run where it was), telling the step to live state and the event bus, and
 * timing it for the RTO phases. A work step checks the slot fence first and ends when the
 * drill is stopped or times out, even if what it waits on never answers (a restored view
 * that sleeps); score and teardown always run to their end.
 */
export function stepRunner(o: { run: DrillRun; clock: Clock; runs: RunStore; events: EventRecorder; log: Logger; signal: AbortSignal; fence?: SlotFence; onRunChange?: (run: DrillRun) => Promise<void> }) {
  return async function step<T>(name: StepName, fn: () => Promise<StepOutput<T>> | StepOutput<T>): Promise<T> {
    if (!ALWAYS.has(name)) await o.fence?.check();
    const rec = { name, startedAt: o.clock.now().toISOString() } as DrillRun['steps'][number];
    o.run.steps.push(rec);
    await o.runs.save(o.run);
    await o.onRunChange?.(o.run).catch(() => undefined);
    await o.events.record('drill.step', o.run.runId, { drill: o.run.drill, step: name, at: rec.startedAt });
    o.log.info(`step ${name}`);
    try {
      const work = Promise.resolve().then(fn);
      const { value, details } = ALWAYS.has(name) ? await work : await untilAborted(work, o.signal);
      Object.assign(rec, { endedAt: o.clock.now().toISOString(), ok: true, details });
      return value;
    } catch (err) {
      Object.assign(rec, { endedAt: o.clock.now().toISOString(), ok: false, error: messageOf(err) });
      throw err;
    } finally {
      await o.runs.save(o.run);
    }
  };
}

/** RTO phases in milliseconds, named as the design names them. */
export function phaseBreakdown(run: DrillRun): Record<string, number> {
  // A resumed run may hold a step more than once (a provision per attempt): each counts.
  const ms = (name: StepName) => run.steps.filter((s) => s.name === name && s.endedAt).reduce((n, s) => n + new Date(s.endedAt!).getTime() - new Date(s.startedAt).getTime(), 0);
  return { locate: ms('locate'), thaw: ms('thaw'), transfer: ms('fetch'), provision: ms('provision'), restore: ms('restore'), verify: ms('verify'), cleanup: ms('teardown') };
}

/** The work's outcome, or the abort's reason as soon as the signal fires. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  // Whatever the work does after the abort, nobody waits for it any more.
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
