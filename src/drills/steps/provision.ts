import type { Clock } from '../../domain/index.js';
import { sandboxNames, type Lease, type LeaseStore, type SandboxProvider } from '../../providers/index.js';
import type { DrillRun } from '../types.js';
import type { SandboxHold, StepOutput } from './step-output.js';

/**
 * The sandbox: its lease written (durably) before anything exists, then the database and
 * its per-run user, then opened. Opening counts as provisioning (a PGlite sandbox starts its
 * database here). `hold` is filled in as it goes, so teardown removes whatever was made.
 */
export async function provision(i: { run: DrillRun; provider: SandboxProvider; namePrefix?: string; leases: LeaseStore; clock: Clock; hold: SandboxHold }): Promise<StepOutput<Lease>> {
  const names = sandboxNames(i.run.drill, i.run.runId, i.namePrefix);
  const lease: Lease = {
    id: i.run.runId,
    runId: i.run.runId,
    drill: i.run.drill,
    sandbox: i.run.sandbox,
    kind: i.provider.kind,
    database: names.database,
    user: i.provider.kind === 'pglite' ? undefined : names.user,
    createdAt: i.clock.now().toISOString(),
    owner: i.run.owner,
  };
  await i.leases.put(lease);
  i.run.leaseId = lease.id;
  await i.provider.create(lease);
  i.hold.lease = lease;
  i.hold.target = await i.provider.open(lease);
  return { value: lease, details: { database: lease.database, user: lease.user } };
}

/** The sandbox an earlier attempt of the job provisioned and restored into, opened again (resume.ts). */
export async function reopen(i: { lease: Lease; provider: SandboxProvider; hold: SandboxHold }): Promise<StepOutput<Lease>> {
  i.hold.lease = i.lease;
  i.hold.target = await i.provider.open(i.lease);
  return { value: i.lease, details: { database: i.lease.database, reopened: true } };
}
