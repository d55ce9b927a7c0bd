import { messageOf, type Clock, type Logger } from '../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import type { LeaseStore, SandboxProvider } from '../providers/index.js';
import type { RunStore } from './run-store.js';
import type { DrillRun } from './types.js';

/**
 * Before a queue job's drill runs again (its worker died and the queue handed the job to
 * another), the earlier attempt is closed: its sandbox torn down, the run marked
 * abandoned and ledgered as such, so only the new attempt ever records a result.
 */
export async function abandonEarlierAttempts(
  jobKey: string,
  deps: { runs: RunStore; leases: LeaseStore; sandbox(name: string): Promise<SandboxProvider>; ledger: Ledger; clock: Clock; logger: Logger },
): Promise<DrillRun[]> {
  const earlier = (await deps.runs.list()).filter((r) => r.jobKey === jobKey && r.phase === 'running');
  const leases = await deps.leases.list();
  for (const run of earlier) {
    const lease = leases.find((l) => l.runId === run.runId);
    let cleanup = 'no sandbox was created';
    if (lease) {
      try {
        await (await deps.sandbox(lease.sandbox)).destroy(lease);
        await deps.leases.remove(lease.id);
        cleanup = `removed ${lease.database}`;
      } catch (err) {
        cleanup = `could not remove ${lease.database} (left for lifeboat sandbox sweep): ${messageOf(err)}`;
      }
    }
    run.phase = 'abandoned';
    run.endedAt = deps.clock.now().toISOString();
    run.error = `abandoned: the worker running it stopped at step ${run.steps.at(-1)?.name ?? 'start'}; ${cleanup}`;
    await deps.runs.save(run);
    await deps.ledger.append({ type: 'drill.abandoned', subject: run.runId, data: { drill: run.drill, jobKey, lastStep: run.steps.at(-1)?.name ?? null, cleanup } });
    deps.logger.warn({ run: run.runId }, run.error);
  }
  return earlier;
}
