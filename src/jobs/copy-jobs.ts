import { runCopies, verifyCopies } from '../copy/index.js';
import { claimSlot } from './slot-claim.js';
import type { JobHandler, JobOutcome } from './types.js';

/** A scheduled copy pass, one result per slot: a second run of the same job stops before its next copy. */
export const copyJob: JobHandler = async ({ runtime, signal, jobKey }, schedule) => {
  const claim = jobKey ? await claimSlot(runtime.state.slots, jobKey, runtime.clock) : undefined;
  if (claim && 'finished' in claim) {
    const r = claim.finished.result as { outcome?: JobOutcome } | undefined;
    return { ok: r?.outcome?.ok ?? true, summary: `${r?.outcome?.summary ?? 'done'} (recorded before)`, details: { recordedBefore: true } };
  }
  const fence = claim?.fence;
  const results = await runCopies({ ...runtime, signal, beforeCopy: fence?.check }, { policy: schedule.job === 'copy' ? schedule.policy : undefined });
  const bad = results.filter((r) => r.outcome === 'conflict' || r.outcome === 'error' || r.outcome === 'source-bad');
  const copied = results.filter((r) => r.outcome === 'copied');
  const outcome: JobOutcome = {
    ok: bad.length === 0,
    summary: `${copied.length} copied, ${results.length - copied.length - bad.length} already in place, ${bad.length} problem(s)`,
    details: { bytes: copied.reduce((n, r) => n + r.bytes, 0), problems: bad.map((b) => `${b.key} → ${b.to}: ${b.detail}`) },
  };
  if (fence && !(await fence.finish({ outcome: { ok: outcome.ok, summary: outcome.summary } }))) {
    return { ok: false, summary: `${outcome.summary}; superseded: a newer attempt of this job holds slot ${fence.slot}` };
  }
  return outcome;
};

export const copyVerifyJob: JobHandler = async ({ runtime }, schedule) => {
  const r = await verifyCopies(runtime, { sample: schedule.job === 'copy-verify' ? schedule.sample : undefined });
  return { ok: r.bad.length === 0, summary: `${r.checked} copies re-hashed, ${r.bad.length} bad`, details: { bad: r.bad } };
};
