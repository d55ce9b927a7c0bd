import { messageOf, type Clock, type Logger } from '../domain/index.js';
import type { EventRecorder } from '../events/index.js';
import { ownerIsGone, type Lease, type LeaseStore, type SandboxProvider } from '../providers/index.js';
import type { RunStore } from './run-store.js';

/** What the sweep remembers on a lease whose teardown failed, so it retries with backoff instead of failing every sweep. */
export interface TeardownFailures {
  attempts: number;
  firstFailedAt: string;
  lastAttemptAt: string;
  lastError: string;
}

export type SweptLease = Lease & { teardownFailures?: TeardownFailures };

export interface SweepResult {
  removed: Lease[];
  kept: { lease: Lease; why: string }[];
  /** Teardowns that failed for the first time in this sweep: worth a look now. */
  failed: { lease: Lease; error: string }[];
  /** Teardowns that failed before: recorded on the lease and retried with backoff; they do not fail the sweep again. */
  stuck: { lease: Lease; attempts: number; firstFailedAt: string; lastError: string; nextTryAfter: string }[];
}

const BACKOFF_BASE_MS = 5 * 60_000;
const BACKOFF_MAX_MS = 6 * 3_600_000;
/** After n failed teardowns, the next try waits 5 min × 2^(n-1), at most 6 h. */
export const teardownBackoffMs = (attempts: number) => Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));

/**
 * Tears down sandboxes whose drill can no longer finish them: the owner died (its run is
 * over or abandoned, its process gone, or the lease older than any drill may run), or a
 * kept sandbox's time is up. Only what a lease names is touched (safety rule 4), and each
 * removal is ledgered. A teardown that fails (server unreachable, sandbox no longer
 * configured, rights missing) is recorded on the lease and in the ledger once, then
 * retried with backoff (`force`: now) without failing later sweeps: the lease stays, as
 * what it names may still exist.
 */
export async function sweepLeases(
  deps: { leases: LeaseStore; sandbox(name: string): Promise<SandboxProvider>; clock: Clock; logger: Logger; events: EventRecorder; runs?: RunStore },
  opts: { staleAfterMs?: number; force?: boolean } = {},
): Promise<SweepResult> {
  const now = deps.clock.now();
  const result: SweepResult = { removed: [], kept: [], failed: [], stuck: [] };
  for (const lease of (await deps.leases.list()) as SweptLease[]) {
    if (lease.keepUntil && new Date(lease.keepUntil) > now) {
      result.kept.push({ lease, why: `kept for debugging until ${lease.keepUntil}` });
      continue;
    }
    // A run that is over (finished, or abandoned by the sweep) no longer owns its sandbox, whichever host it ran on.
    const run = await deps.runs?.get(lease.runId);
    const runOver = !!run && run.phase !== 'running';
    if (!lease.keepUntil && !runOver && !ownerIsGone(lease, now, opts.staleAfterMs ?? 24 * 3_600_000)) {
      result.kept.push({ lease, why: `drill still running (pid ${lease.owner.pid} on ${lease.owner.host})` });
      continue;
    }
    const before = lease.teardownFailures;
    if (before && !opts.force) {
      const next = new Date(new Date(before.lastAttemptAt).getTime() + teardownBackoffMs(before.attempts));
      if (next > now) {
        result.stuck.push({ lease, attempts: before.attempts, firstFailedAt: before.firstFailedAt, lastError: before.lastError, nextTryAfter: next.toISOString() });
        continue;
      }
    }
    try {
      const provider = await deps.sandbox(lease.sandbox);
      await provider.destroy(lease);
      await deps.leases.remove(lease.id);
      await deps.events.record('sandbox.swept', lease.runId, { lease: lease.id, sandbox: lease.sandbox, database: lease.database, user: lease.user ?? null, ...(before ? { afterFailedAttempts: before.attempts } : {}) });
      result.removed.push(lease);
    } catch (err) {
      const error = messageOf(err);
      const failures: TeardownFailures = { attempts: (before?.attempts ?? 0) + 1, firstFailedAt: before?.firstFailedAt ?? now.toISOString(), lastAttemptAt: now.toISOString(), lastError: error };
      await deps.leases.put({ ...lease, teardownFailures: failures } as SweptLease).catch(() => undefined);
      deps.logger.error({ lease: lease.id, attempts: failures.attempts, err: error }, 'sweep: could not tear down; the lease stays and is retried with backoff');
      if (!before) {
        await deps.events.record('sandbox.sweep-failed', lease.runId, { lease: lease.id, sandbox: lease.sandbox, database: lease.database, user: lease.user ?? null, error });
        result.failed.push({ lease, error });
      } else {
        const nextTryAfter = new Date(now.getTime() + teardownBackoffMs(failures.attempts)).toISOString();
        result.stuck.push({ lease, attempts: failures.attempts, firstFailedAt: failures.firstFailedAt, lastError: error, nextTryAfter });
      }
    }
  }
  return result;
}
