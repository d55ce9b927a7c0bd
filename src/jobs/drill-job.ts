import { abandonEarlierAttempts, resumePlan, runDrill } from '../drills/index.js';
import { LifeboatError } from '../domain/index.js';
import { claimSlot } from './slot-claim.js';
import type { JobHandler } from './types.js';

/** A scheduled drill: the same step machine as `lifeboat drill run`, with one result per slot. */
export const drillJob: JobHandler = async ({ runtime, signal, jobKey, retriesLeft }, schedule) => {
  if (schedule.job !== 'drill') throw new Error(`drill job given a ${schedule.job} schedule`);
  const claim = jobKey ? await claimSlot(runtime.state.slots, jobKey, runtime.clock) : undefined;
  if (claim && 'finished' in claim) {
    const r = claim.finished.result ?? {};
    runtime.logger.info({ slot: jobKey, run: r.runId }, `slot ${jobKey} already has its result (run ${String(r.runId)}): not run again`);
    return { ok: r.phase === 'passed', summary: `${schedule.drill} ${String(r.phase)} (run ${String(r.runId)}, recorded before)`, details: { ...r, recordedBefore: true } };
  }
  // A retried job goes on from its earlier attempt where it can (a thaw not asked for twice, a restored sandbox kept); other earlier attempts are cleaned up.
  const resume = jobKey ? await resumePlan(jobKey, runtime) : undefined;
  if (resume) runtime.logger.info({ run: resume.run.runId, carried: [...resume.carried] }, `resuming run ${resume.run.runId} of this job after ${[...resume.carried].at(-1)}`);
  if (jobKey) await abandonEarlierAttempts(jobKey, runtime, { keep: resume?.run.runId });
  const run = await runDrill(schedule.drill, { ...runtime, signal, onRunChange: runtime.live?.drill }, { jobKey, fence: claim?.fence, retriesLeft, resume });
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
