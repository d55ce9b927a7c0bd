import { abandonEarlierAttempts, runDrill } from '../drills/index.js';
import { LifeboatError } from '../domain/index.js';
import type { JobHandler } from './types.js';

/** A scheduled drill: the same step machine as `lifeboat drill run`. */
export const drillJob: JobHandler = async ({ runtime, signal, jobKey }, schedule) => {
  if (schedule.job !== 'drill') throw new Error(`drill job given a ${schedule.job} schedule`);
  if (jobKey) await abandonEarlierAttempts(jobKey, runtime);
  const run = await runDrill(schedule.drill, { ...runtime, signal, onRunChange: runtime.live?.drill }, { jobKey });
  // An infrastructure error worth another try (a sandbox server down) goes back to the queue, with backoff.
  if (run.phase === 'error' && run.retryable) throw new LifeboatError('DATABASE_UNREACHABLE', `drill ${run.drill} could not run (run ${run.runId}): ${run.error}`, { retryable: true });
  const s = run.score;
  if (run.phase !== 'passed') runtime.logger.warn({ drill: run.drill, run: run.runId, phase: run.phase }, `drill ${run.drill} ${run.phase}${run.error ? `: ${run.error}` : ''}`);
  return {
    ok: run.phase === 'passed',
    summary: `${run.drill} ${run.phase}${s ? `, score ${s.score}/100` : ''} (run ${run.runId})`,
    details: { runId: run.runId, phase: run.phase, score: s?.score ?? null },
  };
};
