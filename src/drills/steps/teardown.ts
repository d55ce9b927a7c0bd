import type { Clock } from '../../domain/index.js';
import type { LeaseStore, SandboxProvider } from '../../providers/index.js';
import type { DrillRun, RunPhase } from '../types.js';
import type { SandboxHold, StepOutput } from './step-output.js';

/**
 * Removes what provisioning made, and only that (the lease names it); or, for a drill that
 * did not pass and asks for it, keeps the sandbox until `keepMs` from now for debugging.
 */
export async function teardown(i: { hold: SandboxHold; provider: SandboxProvider; run: DrillRun; phase: RunPhase; keepMs?: number; leases: LeaseStore; clock: Clock }): Promise<StepOutput<undefined>> {
  await i.hold.target?.close().catch(() => undefined);
  const lease = i.hold.lease;
  if (!lease) return { value: undefined, details: { nothingToRemove: true } };
  if (i.phase !== 'passed' && i.keepMs && i.provider.keepable !== false) {
    const until = new Date(i.clock.now().getTime() + i.keepMs).toISOString();
    await i.leases.put({ ...lease, keepUntil: until });
    i.run.kept = { until, database: lease.database };
    return { value: undefined, details: { keptUntil: until, database: lease.database } };
  }
  await i.provider.destroy(lease);
  await i.leases.remove(lease.id);
  const notKept = i.phase !== 'passed' && i.keepMs ? { notKept: `sandbox ${i.run.sandbox} is in memory and ends with this process: give it a dataDir to keep it` } : {};
  return { value: undefined, details: { removed: lease.database, ...notKept } };
}
