import { runCopies, verifyCopies } from '../copy/index.js';
import type { JobHandler } from './types.js';

export const copyJob: JobHandler = async ({ runtime, signal }, schedule) => {
  const results = await runCopies({ ...runtime, signal }, { policy: schedule.job === 'copy' ? schedule.policy : undefined });
  const bad = results.filter((r) => r.outcome === 'conflict' || r.outcome === 'error' || r.outcome === 'source-bad');
  const copied = results.filter((r) => r.outcome === 'copied');
  return {
    ok: bad.length === 0,
    summary: `${copied.length} copied, ${results.length - copied.length - bad.length} already in place, ${bad.length} problem(s)`,
    details: { bytes: copied.reduce((n, r) => n + r.bytes, 0), problems: bad.map((b) => `${b.key} → ${b.to}: ${b.detail}`) },
  };
};

export const copyVerifyJob: JobHandler = async ({ runtime }, schedule) => {
  const r = await verifyCopies(runtime, { sample: schedule.job === 'copy-verify' ? schedule.sample : undefined });
  return { ok: r.bad.length === 0, summary: `${r.checked} copies re-hashed, ${r.bad.length} bad`, details: { bad: r.bad } };
};
