import { hostname } from 'node:os';
import { messageOf, type Clock, type Logger } from '../domain/index.js';
import type { EventRecorder } from '../events/index.js';
import type { LeaseStore, SandboxProvider } from '../providers/index.js';
import { HEARTBEAT_MS, lastSeen } from './run-heartbeat.js';
import type { RunStore } from './run-store.js';
import type { DrillRun } from './types.js';

interface AbandonDeps {
  runs: RunStore;
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  /** Live state (distributed mode): an abandoned run leaves the running drills. */
  live?: { drill(run: DrillRun): Promise<void> };
}

/** Closes a run whose process is gone: abandoned, with when it was last seen, ledgered as such. */
async function markAbandoned(run: DrillRun, why: string, deps: AbandonDeps, data: Record<string, unknown> = {}): Promise<void> {
  const seen = lastSeen(run).toISOString();
  const step = run.steps.at(-1)?.name ?? 'start';
  run.phase = 'abandoned';
  run.lastSeenAt = seen;
  run.endedAt = deps.clock.now().toISOString();
  run.error = `abandoned: ${why}; last seen ${seen} at step ${step}`;
  await deps.runs.save(run);
  await deps.live?.drill(run).catch(() => undefined);
  await deps.events.record('drill.abandoned', run.runId, { drill: run.drill, jobKey: run.jobKey ?? null, lastStep: run.steps.at(-1)?.name ?? null, lastSeenAt: seen, owner: run.owner, why, ...data });
  deps.logger.warn({ run: run.runId, lastSeenAt: seen }, run.error);
}

/**
 * Before a queue job's drill runs again (its worker died and the queue handed the job to
 * another), the earlier attempt is closed: its sandbox torn down, the run marked
 * abandoned and ledgered as such, so only the new attempt ever records a result.
 */
export async function abandonEarlierAttempts(jobKey: string, deps: AbandonDeps & { leases: LeaseStore; sandbox(name: string): Promise<SandboxProvider> }, opts: { keep?: string } = {}): Promise<DrillRun[]> {
  // `keep`: the run a new attempt resumes (resume.ts), with its sandbox.
  const earlier = (await deps.runs.list({ jobKey, phase: 'running' })).filter((r) => r.runId !== opts.keep);
  const leases = await deps.leases.list();
  for (const listed of earlier) {
    // Read again: a sweep may have closed it since the list.
    const run = await deps.runs.get(listed.runId);
    if (run?.phase !== 'running') continue;
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
    await markAbandoned(run, `the worker running it stopped; ${cleanup}`, deps, { cleanup });
  }
  return earlier;
}

export interface DeadRunOptions {
  /** Distributed mode: whether a queue job still has a live worker (it holds the job's lock). */
  jobAlive?: (jobKey: string) => Promise<boolean>;
  /** A run on another host whose heartbeat is older than this is dead (default 10 heartbeats). */
  silentAfterMs?: number;
  /** A run with no heartbeat at all (written by an older lifeboat) is dead past this age (default 24 h). */
  staleAfterMs?: number;
}

/** Why a running run can no longer be running, or undefined while it may be. */
export async function whyGone(run: DrillRun, now: Date, opts: DeadRunOptions = {}): Promise<string | undefined> {
  if (run.jobKey && opts.jobAlive) {
    return (await opts.jobAlive(run.jobKey)) ? undefined : `no worker holds its queue job ${run.jobKey} any more`;
  }
  const silentMs = now.getTime() - lastSeen(run).getTime();
  const silentLimit = run.lastSeenAt ? (opts.silentAfterMs ?? 10 * HEARTBEAT_MS) : (opts.staleAfterMs ?? 24 * 3_600_000);
  if (run.owner.host === hostname()) {
    if (run.owner.pid === process.pid) return undefined;
    try {
      process.kill(run.owner.pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return `its process (pid ${run.owner.pid} on ${run.owner.host}) is gone`;
    }
    // The pid is taken, but by another process when the run's heartbeat stopped long ago.
    return silentMs > silentLimit ? `pid ${run.owner.pid} on ${run.owner.host} is another process now (the run has been silent for ${Math.round(silentMs / 1000)} s)` : undefined;
  }
  return silentMs > silentLimit ? `its process on ${run.owner.host} has been silent for ${Math.round(silentMs / 1000)} s` : undefined;
}

/**
 * Marks `abandoned` every run still `running` whose process is gone: its queue job has no
 * live worker (distributed mode), its process on this host no longer exists, or its
 * heartbeat stopped (another host). Each gets the time it was last seen and a
 * `drill.abandoned` ledger record; their sandboxes are then the lease sweep's.
 */
export async function abandonDeadRuns(deps: AbandonDeps, opts: DeadRunOptions = {}): Promise<{ abandoned: DrillRun[]; running: DrillRun[] }> {
  const now = deps.clock.now();
  const abandoned: DrillRun[] = [];
  const running: DrillRun[] = [];
  for (const listed of await deps.runs.list({ phase: 'running' })) {
    const why = await whyGone(listed, now, opts);
    if (!why) {
      running.push(listed);
      continue;
    }
    // Read again: the run may have finished (or another sweep closed it) since the list.
    const run = await deps.runs.get(listed.runId);
    if (run?.phase !== 'running') continue;
    await markAbandoned(run, why, deps);
    abandoned.push(run);
  }
  return { abandoned, running };
}
