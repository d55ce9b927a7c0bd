import { checkAll } from './check-all.js';
import type { JobHandler } from './types.js';

/** One sweep: check, record evidence, and say on the log what needs attention. */
export const freshnessJob: JobHandler = async ({ runtime, signal }, schedule) => {
  const resources = schedule.job === 'freshness' ? schedule.resources : undefined;
  const { results, stats, recorded } = await checkAll(runtime, { resources, signal });
  const notFresh = results.filter((r) => r.status !== 'fresh');
  for (const r of notFresh) runtime.logger.warn({ resource: r.resource, kind: r.kind, status: r.status }, `${r.kind === 'copy' ? `${r.resource} copies in ${r.region}` : r.resource} ${r.kind === 'copy' ? 'are' : 'is'} ${r.status}: ${r.reason}`);
  return {
    ok: notFresh.length === 0,
    summary: `${results.length - notFresh.length}/${results.length} fresh`,
    details: { ...stats, ledgerRecords: recorded },
  };
};
