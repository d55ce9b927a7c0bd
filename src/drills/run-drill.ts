import { hostname } from 'node:os';
import type { Completeness } from '../checks/index.js';
import { formatDuration, rpoOf, type Drill, type LoadedConfig, type Resource } from '../config/index.js';
import { LifeboatError, isRetryable, messageOf, type Logger } from '../domain/index.js';
import type { EvidenceDeps } from '../freshness/index.js';
import { createDumpRestorer, type BackupRef, type LeaseStore, type Restorer, type SandboxProvider } from '../providers/index.js';
import { guardSandbox, type ResolveHost, type SourceIdentity } from './guard.js';
import { phaseOf } from './phase.js';
import type { RunStore } from './run-store.js';
import { startHeartbeat } from './run-heartbeat.js';
import type { SlotFence } from './slot-fence.js';
import { phaseBreakdown, stepRunner } from './step-runner.js';
import { fetch } from './steps/fetch.js';
import { locate } from './steps/locate.js';
import { provision, reopen } from './steps/provision.js';
import { restore } from './steps/restore.js';
import { scoreRun } from './steps/score-step.js';
import type { SandboxHold } from './steps/step-output.js';
import { teardown } from './steps/teardown.js';
import { thaw } from './steps/thaw.js';
import { verify } from './steps/verify.js';
import type { ResumePlan } from './resume.js';
import type { DrillRun, RunPhase, StepName } from './types.js';

export interface DrillDeps extends EvidenceDeps {
  leases: LeaseStore;
  runs: RunStore;
  /** The sandbox provider for a sandbox name, with its credentials resolved by the composition root. */
  sandbox(name: string): Promise<SandboxProvider>;
  resolveHost: ResolveHost;
  /** Asks a production source who it is (read-only credentials), for the sandbox guard. */
  sourceIdentity?: SourceIdentity;
  random: () => number;
  signal?: AbortSignal;
  onProgress?: (p: { bytes: number; total: number }) => void;
  /** Told of every step as it starts and of the end, for live state. */
  onRunChange?: (run: DrillRun) => Promise<void>;
  /** How the backup becomes a database (default: the dump, streamed in over the wire). */
  restorer?: Restorer;
}

const DEFAULT_RTO_MS = 3_600_000;
const DEFAULT_TIMEOUT_MS = 6 * 3_600_000;

export function makeRunId(drill: string, now: Date, random: () => number): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const tag = Math.floor(random() * 0xffffff)
    .toString(16)
    .padStart(6, '0');
  return `${drill}-${stamp}-${tag}`;
}

function targetsOf(drill: Drill, resource: Resource, config: LoadedConfig) {
  const d = config.estate.defaults ?? {};
  return {
    rtoMs: drill.targets?.rto ?? resource.rto ?? d.rto ?? DEFAULT_RTO_MS,
    rpoMs: drill.targets?.rpo ?? rpoOf(resource, config.estate),
    completeness: drill.targets?.completeness ?? resource.completeness ?? d.completeness ?? 1,
  };
}

export interface DrillOptions {
  /** The queue job this run belongs to (distributed mode). */
  jobKey?: string;
  /** The job's claim on its slot: checked before each step; the run's result is the slot's only if it still holds. */
  fence?: SlotFence;
  /** The queue tries again after a retryable error: such an attempt is ledgered as an attempt, not as the slot's result. */
  retriesLeft?: boolean;
  /** An earlier attempt of the same job to go on from (resume.ts). */
  resume?: ResumePlan;
}

/**
 * Runs one drill as a step machine: locate → thaw → fetch → provision → restore → verify →
 * score → teardown, each step a module in steps/ run by the step runner. Each step's start
 * and end are saved as they happen; the sandbox is leased before it is created and torn
 * down whatever happens (unless kept on purpose).
 */
export async function runDrill(name: string, deps: DrillDeps, opts: DrillOptions = {}): Promise<DrillRun> {
  const { config, clock, logger } = deps;
  const drill = config.drills.get(name);
  if (!drill) throw new LifeboatError('USAGE', `unknown drill ${name}: expected one of ${[...config.drills.keys()].join(', ') || '(none defined)'}`);
  const resource = config.resources.get(drill.resource)!;
  const targets = targetsOf(drill, resource, config);
  // A sandbox that cannot even be configured (unknown, secret missing) is a config error: no run is recorded.
  const provider = await deps.sandbox(drill.sandbox);
  // The guard runs before anything is written anywhere: a refusal is ledgered as one, never as a started drill.
  await guardSandbox(config, drill.sandbox, provider, deps).catch(async (err: unknown) => {
    if (err instanceof LifeboatError && err.code === 'SANDBOX_REFUSED') {
      await deps.events.record('drill.refused', drill.name, { drill: drill.name, resource: resource.id, sandbox: drill.sandbox, reason: err.message });
    }
    throw err;
  });
  const plan = opts.resume;
  const owner = { host: hostname(), pid: process.pid };
  // A resumed run keeps its start: its RTO counts from the first attempt, waits included.
  const run: DrillRun = plan
    ? continueRun(plan.run, owner, clock.now())
    : { runId: makeRunId(drill.name, clock.now(), deps.random), drill: drill.name, resource: resource.id, sandbox: drill.sandbox, phase: 'running', startedAt: clock.now().toISOString(), owner, jobKey: opts.jobKey, steps: [] };
  const started = new Date(run.startedAt);
  const log = logger.child({ drill: drill.name, run: run.runId });
  // A plain timer rather than AbortSignal.timeout: that one is unreferenced and can be
  // collected before it fires when combined with AbortSignal.any on Node 20.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DOMException('drill timeout', 'TimeoutError')), drill.timeout ?? DEFAULT_TIMEOUT_MS);
  timer.unref();
  const onStop = () => abort.abort(deps.signal?.reason);
  deps.signal?.addEventListener('abort', onStop, { once: true });
  const signal = abort.signal;
  await deps.runs.save(run);
  if (plan) await deps.events.record('drill.resumed', run.runId, { drill: drill.name, carried: [...plan.carried], sandbox: plan.lease ? plan.lease.database : null });
  else await deps.events.record('drill.started', run.runId, { drill: drill.name, resource: resource.id, sandbox: drill.sandbox, backup: drill.backup, targets });
  // While it runs, the run says it is alive: a sweep takes a run not seen for a while for dead (abandoned).
  const heartbeat = startHeartbeat(run, deps.runs, clock);

  const step = stepRunner({ run, clock, runs: deps.runs, events: deps.events, log, signal, fence: opts.fence, onRunChange: deps.onRunChange });
  const restorer = deps.restorer ?? createDumpRestorer(deps.store);
  const hold: SandboxHold = {};
  let completeness: Completeness | undefined;
  let restored = false;
  let verifiedAt: Date | undefined;
  let failure: unknown;
  try {
    // A resumed run skips what its earlier attempt finished (plan.carried), from what that attempt recorded.
    const carried = (name: StepName) => plan?.carried.has(name) ?? false;
    const backup = carried('locate') ? await relocate(run, resource, deps) : (await step('locate', () => locate({ drill, resource, provider, deps, now: started, signal }))).backup;
    run.backup = { name: backup.name, region: backup.region, location: backup.location, time: backup.time.toISOString(), timeSource: backup.timeSource, size: backup.size };
    if (!carried('thaw')) await step('thaw', () => thaw({ backup, stores: deps.store }));
    const fetched = carried('fetch') ? { sha256: detailOf(run, 'fetch', 'sha256') } : await step('fetch', () => fetch({ backup, inspector: deps.inspector, signal }));
    if (plan?.lease) await step('provision', () => reopen({ lease: plan.lease!, provider, hold }));
    else await step('provision', () => provision({ run, provider, namePrefix: config.estate.sandboxes?.[drill.sandbox]?.namePrefix, leases: deps.leases, clock, hold }));
    if (!carried('restore')) await step('restore', () => restore({ backup, restorer, target: hold.target!, expectedSha256: fetched.sha256, signal, onProgress: deps.onProgress, log }));
    restored = true;
    completeness = await step('verify', () => verify({ target: hold.target!, manifest: backup.manifest, checks: drill.checks }));
    verifiedAt = clock.now();
    run.checks = completeness.checks;
  } catch (err) {
    failure = err;
  }

  run.score = await step('score', () => scoreRun({ drill, targets, startedAt: started, endedAt: verifiedAt ?? clock.now(), backupTime: run.backup ? new Date(run.backup.time) : undefined, completeness, restored })).catch(() => undefined);

  // Running out of the drill's own time is a result (the restore is too slow), not a fault.
  const timedOut = signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError';
  if (timedOut) failure = new LifeboatError('DRILL_TIMEOUT', `drill timed out after ${formatDuration(drill.timeout ?? DEFAULT_TIMEOUT_MS)}`, { retryable: false });
  let phase: RunPhase = phaseOf({ failure, score: run.score, restored: restored && !!completeness });
  const keepMs = typeof drill.teardown === 'object' ? drill.teardown['keep-on-failure'] : undefined;
  await step('teardown', () => teardown({ hold, provider, run, phase, keepMs, leases: deps.leases, clock })).catch((err) => log.error({ err: messageOf(err) }, 'teardown failed: the lease stays for lifeboat sandbox sweep'));

  await heartbeat.stop();
  clearTimeout(timer);
  deps.signal?.removeEventListener('abort', onStop);
  // The same rule as every job's: a retryable LifeboatError or a network error may pass; a bug is final.
  const retryable = phase === 'error' ? isRetryable(failure) : undefined;
  // Only one attempt's result becomes the slot's: one the queue will retry is an attempt, and
  // one whose claim a newer attempt took (its job ran twice) is not the slot's at all.
  const attemptOnly = phase === 'error' && retryable && opts.retriesLeft;
  if (phase !== 'abandoned' && opts.fence && !(await ownsSlot(opts.fence, attemptOnly ? undefined : { runId: run.runId, phase, score: run.score?.score ?? null }, log))) {
    failure = supersededError(opts.fence);
    phase = 'abandoned';
  }
  run.phase = phase;
  run.endedAt = clock.now().toISOString();
  run.error = failure ? messageOf(failure) : undefined;
  if (phase === 'error') run.retryable = retryable;
  run.phases = phaseBreakdown(run);
  await deps.runs.save(run);
  await deps.onRunChange?.(run).catch(() => undefined);
  const data = { drill: run.drill, resource: run.resource, sandbox: run.sandbox, phase, backup: run.backup ?? null, score: run.score ?? null, phases: run.phases, checks: run.checks ?? [], error: run.error ?? null };
  if (phase === 'abandoned') await deps.events.record('drill.superseded', run.runId, { ...data, slot: opts.fence?.slot ?? null });
  else await deps.events.record(attemptOnly ? 'drill.attempt-failed' : 'drill.finished', run.runId, data);
  if (failure && phase === 'error' && failure instanceof LifeboatError && failure.code === 'CONFIG_INVALID') throw failure;
  return run;
}

/**
 * Whether this attempt still holds its slot: finishing it with `result`, or (an attempt the
 * queue retries) only asking. A state store that cannot answer does not cost the run its
 * record: the run keeps its phase and the slot stays open for the next attempt.
 */
async function ownsSlot(fence: SlotFence, result: Record<string, unknown> | undefined, log: Logger): Promise<boolean> {
  try {
    if (result) return await fence.finish(result);
    await fence.check();
    return true;
  } catch (err) {
    if (superseded(err)) return false;
    log.warn({ err: messageOf(err), slot: fence.slot }, "could not record the slot's result; the run keeps its own");
    return true;
  }
}

/** The earlier attempt's run, taken over by this one: its open step closed as interrupted, its outcome cleared. */
function continueRun(earlier: DrillRun, owner: DrillRun['owner'], now: Date): DrillRun {
  const run = structuredClone(earlier);
  for (const s of run.steps) if (!s.endedAt) Object.assign(s, { endedAt: now.toISOString(), ok: false, error: 'interrupted: the attempt running it stopped' });
  for (const k of ['endedAt', 'error', 'retryable', 'score', 'phases', 'checks', 'kept', 'lastSeenAt'] as const) delete run[k];
  return { ...run, phase: 'running', owner, resumedAt: [...(run.resumedAt ?? []), now.toISOString()] };
}

/** The backup the earlier attempt located, as the catalog lists it now: a resumed run restores the slot's backup, not a newer one. */
async function relocate(run: DrillRun, resource: Resource, deps: DrillDeps): Promise<BackupRef> {
  const b = run.backup!;
  const found = (await deps.catalog.list(resource, b.region === resource.region ? undefined : b.region)).find((x) => x.location === b.location);
  if (!found) throw new LifeboatError('BACKUP_UNREADABLE', `backup ${b.name} in ${b.region}, located by this job's earlier attempt, is gone`, { retryable: false });
  return found;
}

/** A detail the run's last successful `name` step recorded. */
function detailOf(run: DrillRun, name: StepName, key: string): string | undefined {
  const v = run.steps.filter((s) => s.name === name && s.ok).at(-1)?.details?.[key];
  return typeof v === 'string' ? v : undefined;
}

const superseded = (err: unknown) => err instanceof LifeboatError && err.code === 'SLOT_SUPERSEDED';
const supersededError = (fence: SlotFence) => new LifeboatError('SLOT_SUPERSEDED', `slot ${fence.slot} was claimed by a newer attempt of its job: this attempt's result is not the slot's`);
