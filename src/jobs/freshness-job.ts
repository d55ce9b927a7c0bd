import { recordFreshness, sweepFreshness } from '../freshness/index.js';
import type { JobHandler } from './types.js';

/** One sweep: check, record evidence, and say on the log what needs attention. */
export const freshnessJob: JobHandler = async ({ runtime, signal }, schedule) => {
  const resources = schedule.job === 'freshness' ? schedule.resources : undefined;
  const { results, stats } = await sweepFreshness(runtime.config, runtime, { resources, signal });
  const records = await recordFreshness(results, { ledger: runtime.ledger, stateDir: runtime.config.stateDir });
  const notFresh = results.filter((r) => r.status !== 'fresh');
  for (const r of notFresh) runtime.logger.warn({ resource: r.resource, status: r.status }, `${r.resource} is ${r.status}: ${r.reason}`);
  return {
    ok: notFresh.length === 0,
    summary: `${results.length - notFresh.length}/${results.length} fresh`,
    details: { ...stats, ledgerRecords: records.length },
  };
};
