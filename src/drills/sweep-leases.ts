import { messageOf, type Clock, type Logger } from '../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import { ownerIsGone, type Lease, type LeaseStore, type SandboxProvider } from '../providers/index.js';

export interface SweepResult {
  removed: Lease[];
  kept: { lease: Lease; why: string }[];
  failed: { lease: Lease; error: string }[];
}

/**
 * Tears down sandboxes whose drill can no longer finish them: the owner died, or a kept
 * sandbox's time is up. Only what a lease names is touched (safety rule 4), and each
 * removal is ledgered.
 */
export async function sweepLeases(
  deps: { leases: LeaseStore; sandbox(name: string): Promise<SandboxProvider>; clock: Clock; logger: Logger; ledger: Ledger },
  opts: { staleAfterMs?: number } = {},
): Promise<SweepResult> {
  const now = deps.clock.now();
  const result: SweepResult = { removed: [], kept: [], failed: [] };
  for (const lease of await deps.leases.list()) {
    if (lease.keepUntil && new Date(lease.keepUntil) > now) {
      result.kept.push({ lease, why: `kept for debugging until ${lease.keepUntil}` });
      continue;
    }
    if (!lease.keepUntil && !ownerIsGone(lease, now, opts.staleAfterMs ?? 24 * 3_600_000)) {
      result.kept.push({ lease, why: `drill still running (pid ${lease.owner.pid} on ${lease.owner.host})` });
      continue;
    }
    try {
      const provider = await deps.sandbox(lease.sandbox);
      await provider.destroy(lease);
      await deps.leases.remove(lease.id);
      await deps.ledger.append({ type: 'sandbox.swept', subject: lease.runId, data: { lease: lease.id, sandbox: lease.sandbox, database: lease.database, user: lease.user ?? null } });
      result.removed.push(lease);
    } catch (err) {
      deps.logger.error({ lease: lease.id, err: messageOf(err) }, 'sweep: could not tear down');
      result.failed.push({ lease, error: messageOf(err) });
    }
  }
  return result;
}
