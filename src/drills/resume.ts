import type { Clock } from '../domain/index.js';
import type { Lease, LeaseStore } from '../providers/index.js';
import { whyGone } from './abandon-runs.js';
import type { RunStore } from './run-store.js';
import type { DrillRun, StepName } from './types.js';

/** What a new attempt of a queue job takes over from the job's earlier one. */
export interface ResumePlan {
  /** The earlier attempt's run: the new attempt goes on in the same record. */
  run: DrillRun;
  /** Steps the earlier attempt finished that are not done again. */
  carried: ReadonlySet<StepName>;
  /** Its sandbox, still alive with the data restored into it: opened again, not rebuilt. */
  lease?: Lease;
}

const BEFORE_SANDBOX: StepName[] = ['locate', 'thaw', 'fetch'];
const done = (run: DrillRun, name: StepName) => run.steps.some((s) => s.name === name && s.ok);

/**
 * Where a retried drill job goes on from, when it can:
 * - an earlier attempt that ended in a retryable error (a thaw under way, a sandbox server
 *   down) keeps the backup it located, and the steps before the sandbox it finished: a
 *   thaw asked for is waited on, not asked for again, and the backup is the slot's;
 * - an earlier attempt whose process is gone after its restore finished, with its sandbox
 *   lease still there, keeps that sandbox too: verification goes on in it.
 * Anything else (a process gone mid-restore, its sandbox half filled) starts afresh.
 */
export async function resumePlan(jobKey: string, deps: { runs: RunStore; leases: LeaseStore; clock: Clock }): Promise<ResumePlan | undefined> {
  const earlier = (await deps.runs.list({ jobKey })).filter((r) => r.phase === 'running' || (r.phase === 'error' && r.retryable)).at(-1);
  if (!earlier || !done(earlier, 'locate') || !earlier.backup) return undefined;
  const prefix = new Set<StepName>();
  for (const s of BEFORE_SANDBOX) {
    if (!done(earlier, s)) break;
    prefix.add(s);
  }
  if (earlier.phase === 'error') return { run: earlier, carried: prefix };
  if (!(await whyGone(earlier, deps.clock.now()))) return undefined;
  const lease = (await deps.leases.list()).find((l) => l.runId === earlier.runId);
  if (!lease || prefix.size < BEFORE_SANDBOX.length || !done(earlier, 'provision') || !done(earlier, 'restore') || done(earlier, 'verify')) return undefined;
  return { run: earlier, carried: new Set([...prefix, 'provision', 'restore']), lease };
}
