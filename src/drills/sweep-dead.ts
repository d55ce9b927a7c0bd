import type { Clock, Logger } from '../domain/index.js';
import type { EventRecorder } from '../events/index.js';
import type { LeaseStore, SandboxProvider } from '../providers/index.js';
import { abandonDeadRuns, type DeadRunOptions } from './abandon-runs.js';
import type { RunStore } from './run-store.js';
import { sweepLeases, type SweepResult } from './sweep-leases.js';
import type { DrillRun } from './types.js';

export interface DeadDrillSweep extends SweepResult {
  /** Runs that were still `running` though their process is gone, now `abandoned`. */
  abandoned: DrillRun[];
}

/**
 * What `lifeboat sandbox sweep`, `lifeboat start` and workers run: first close the runs
 * whose process died (abandoned, with when they were last seen), then tear down the
 * sandboxes nobody owns any more, theirs included.
 */
export async function sweepDeadDrills(
  deps: { runs: RunStore; leases: LeaseStore; sandbox(name: string): Promise<SandboxProvider>; events: EventRecorder; clock: Clock; logger: Logger; live?: { drill(run: DrillRun): Promise<void> } },
  opts: DeadRunOptions & { force?: boolean } = {},
): Promise<DeadDrillSweep> {
  const { abandoned } = await abandonDeadRuns(deps, opts);
  const leases = await sweepLeases(deps, { force: opts.force });
  return { abandoned, ...leases };
}
