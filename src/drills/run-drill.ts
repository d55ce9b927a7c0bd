import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { checkCompleteness, type Completeness } from '../checks/index.js';
import { formatDuration, type Drill, type LoadedConfig, type Resource } from '../config/index.js';
import { LifeboatError, isRetryable, messageOf, type Logger } from '../domain/index.js';
import {
  backupSource,
  openDumpText,
  sandboxNames,
  type Lease,
  type LeaseStore,
  type RestoreStats,
  type SandboxProvider,
  type SandboxTarget,
} from '../providers/index.js';
import { verifyBeforeRestore, type EvidenceDeps } from '../freshness/index.js';
import { score } from '../scoring/index.js';
import { engineOfDump } from './engine-of-dump.js';
import { guardSandbox, type ResolveHost, type SourceIdentity } from './guard.js';
import type { RunStore } from './run-store.js';
import { startHeartbeat } from './run-heartbeat.js';
import { selectBackup, type Selected } from './select-backup.js';
import type { SlotFence } from './slot-fence.js';
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
}

const DEFAULT_RTO_MS = 3_600_000;
const DEFAULT_RPO_MS = 24 * 3_600_000;
const DEFAULT_TIMEOUT_MS = 6 * 3_600_000;

/** Errors that mean the backup or its restore failed (a drill result), not that lifeboat could not run. */
const FAILURE_CODES = new Set(['DUMP_UNPARSEABLE', 'DUMP_REFUSED', 'RESTORE_FAILED', 'BACKUP_UNREADABLE', 'DRILL_TIMEOUT']);

export function makeRunId(drill: string, now: Date, random: () => number): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const tag = Math.floor(random() * 0xffffff).toString(16).padStart(6, '0');
  return `${drill}-${stamp}-${tag}`;
}

function targetsOf(drill: Drill, resource: Resource, config: LoadedConfig) {
  const d = config.estate.defaults ?? {};
  return {
    rtoMs: drill.targets?.rto ?? resource.rto ?? d.rto ?? DEFAULT_RTO_MS,
    rpoMs: drill.targets?.rpo ?? resource.rpo ?? d.rpo ?? DEFAULT_RPO_MS,
    completeness: drill.targets?.completeness ?? resource.completeness ?? d.completeness ?? 1,
  };
}

/**
 * Runs one drill as a step machine: locate → fetch → provision → restore → verify →
 * score → teardown. Each step's start and end are saved as they happen; the sandbox is
 * leased before it is created and torn down whatever happens (unless kept on purpose).
 */
export interface DrillOptions {
  /** The queue job this run belongs to (distributed mode). */
  jobKey?: string;
  /** The job's claim on its slot: checked before each step; the run's result is the slot's only if it still holds. */
  fence?: SlotFence;
  /** The queue tries again after a retryable error: such an attempt is ledgered as an attempt, not as the slot's result. */
  retriesLeft?: boolean;
}

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
  const started = clock.now();
  const run: DrillRun = {
    runId: makeRunId(drill.name, started, deps.random),
    drill: drill.name,
    resource: resource.id,
    sandbox: drill.sandbox,
    phase: 'running',
    startedAt: started.toISOString(),
    owner: { host: hostname(), pid: process.pid },
    jobKey: opts.jobKey,
    steps: [],
  };
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
  await deps.events.record('drill.started', run.runId, { drill: drill.name, resource: resource.id, sandbox: drill.sandbox, backup: drill.backup, targets });
  // While it runs, the run says it is alive: a sweep takes a run not seen for a while for dead (abandoned).
  const heartbeat = startHeartbeat(run, deps.runs, clock);

  const step = async <T>(stepName: StepName, fn: () => Promise<{ value: T; details?: Record<string, unknown> }>): Promise<T> => {
    // A superseded attempt stops before its next side effect; score and teardown touch only its own run and lease.
    if (stepName !== 'score' && stepName !== 'teardown') await opts.fence?.check();
    const rec = { name: stepName, startedAt: clock.now().toISOString() } as DrillRun['steps'][number];
    run.steps.push(rec);
    await deps.runs.save(run);
    await deps.onRunChange?.(run).catch(() => undefined);
    await deps.events.record('drill.step', run.runId, { drill: run.drill, step: stepName, at: rec.startedAt });
    log.info(`step ${stepName}`);
    try {
      // Work steps end when the drill is stopped or times out, even if what they wait on never
      // answers (a restored view that sleeps): score and teardown then still run.
      const { value, details } = stepName === 'score' || stepName === 'teardown' ? await fn() : await untilAborted(fn(), signal);
      Object.assign(rec, { endedAt: clock.now().toISOString(), ok: true, details });
      return value;
    } catch (err) {
      Object.assign(rec, { endedAt: clock.now().toISOString(), ok: false, error: messageOf(err) });
      throw err;
    } finally {
      await deps.runs.save(run);
    }
  };

  let lease: Lease | undefined;
  let target: SandboxTarget | undefined;
  let completeness: Completeness | undefined;
  let restored = false;
  let verifiedAt: Date | undefined;
  let failure: unknown;
  try {
    const selected = await step('locate', async () => {
      const sel: Selected = await selectBackup(drill, resource, { ...deps, now: started, signal });
      const engine = await engineOfDump(sel.backup, deps.store);
      if (engine && engine !== provider.engine) {
        throw new LifeboatError('CONFIG_INVALID', `backup ${sel.backup.name} is a ${engine} dump but sandbox ${drill.sandbox} is ${provider.kind}`);
      }
      const b = sel.backup;
      run.backup = { name: b.name, region: b.region, location: b.location, time: b.time.toISOString(), timeSource: b.timeSource, size: b.size };
      return { value: sel, details: { backup: b.name, skipped: sel.skipped } };
    });
    // Local regions are read in place: nothing to transfer or thaw (object storage will do both here).
    // The bytes are re-hashed against their manifest (or the sha256 verified before) whatever a cached verdict says: rot fails the drill here.
    let verifiedSha: string | undefined;
    await step('fetch', async () => {
      const v = await verifyBeforeRestore(selected.backup, deps.inspector, signal);
      verifiedSha = v.sha256;
      return { value: undefined, details: { location: selected.backup.location, bytes: selected.backup.size, transferred: 0, sha256: v.sha256 } };
    });
    lease = await step('provision', async () => {
      const names = sandboxNames(drill.name, run.runId, config.estate.sandboxes?.[drill.sandbox]?.namePrefix);
      const l: Lease = {
        id: run.runId,
        runId: run.runId,
        drill: drill.name,
        sandbox: drill.sandbox,
        kind: provider.kind,
        database: names.database,
        user: provider.kind === 'pglite' ? undefined : names.user,
        createdAt: clock.now().toISOString(),
        owner: run.owner,
      };
      await deps.leases.put(l);
      run.leaseId = l.id;
      await provider.create(l);
      // Created, so teardown removes it even if opening fails.
      lease = l;
      // Opening counts as provisioning (a PGlite sandbox starts its database here): outside a
      // step its seconds were in the RTO and in no phase.
      target = await provider.open(l);
      return { value: l, details: { database: l.database, user: l.user } };
    });
    const stats = await step('restore', async () => {
      const file = backupSource(deps.store, selected.backup);
      let bytes = 0;
      const total = selected.backup.size;
      // A pg_dump custom archive arrives as SQL text too (pg_restore only decodes it), so every dump meets the same restore rules.
      // The bytes restored are hashed as they are read: a file swapped after fetch checked it is caught here.
      const hash = createHash('sha256');
      const text = await openDumpText(file, (chunk) => {
        bytes += chunk.length;
        hash.update(chunk);
        deps.onProgress?.({ bytes, total });
      });
      const result: RestoreStats = await target!.restoreSql(text, signal);
      const restoredSha = hash.digest('hex');
      if (verifiedSha && bytes > 0 && restoredSha !== verifiedSha) {
        throw new LifeboatError('BACKUP_UNREADABLE', `backup ${selected.backup.name} changed between its check and its restore (sha256 ${restoredSha}, checked ${verifiedSha}): the restore is not evidence`, { retryable: false });
      }
      restored = true;
      return { value: result, details: { tool: result.tool, statements: result.statements, database: result.database ?? null, skipped: result.skipped, skippedByReason: result.skippedByReason } };
    });
    const ownDatabase = stats.skippedByReason['own-database'] ?? 0;
    if (ownDatabase) log.warn({ statements: ownDatabase, database: stats.database }, `restore: statements naming the dump's own database ${stats.database} were not run (the sandbox database stands in for it)`);
    completeness = await step('verify', async () => {
      const c = await checkCompleteness(target!, selected.backup.manifest, drill.checks);
      verifiedAt = clock.now();
      run.checks = c.checks;
      return { value: c, details: { ratio: c.ratio, failed: c.checks.filter((x) => !x.passed).length } };
    });
  } catch (err) {
    failure = err;
  }

  await step('score', async () => {
    // A drill that checks the canary measures its RPO by the canary alone: a missing or empty
    // canary table fails the RPO target rather than falling back to the backup's own time.
    const canary = drill.checks?.canary ? completeness?.checks.find((c) => c.kind === 'canary') : undefined;
    const newestData = drill.checks?.canary ? completeness?.canaryAt : run.backup ? new Date(run.backup.time) : undefined;
    run.score = score({
      rtoTargetMs: targets.rtoMs,
      rtoAchievedMs: (verifiedAt ?? clock.now()).getTime() - started.getTime(),
      rpoTargetMs: targets.rpoMs,
      rpoAchievedMs: newestData ? started.getTime() - newestData.getTime() : undefined,
      rpoUnmeasured: canary && !canary.passed ? `the drill measures RPO by the canary and ${canary.message}` : undefined,
      completenessTarget: targets.completeness,
      completenessAchieved: restored && completeness ? completeness.ratio : 0,
      restored: restored && !!completeness,
    });
    return { value: undefined, details: { score: run.score.score, outcome: run.score.outcome, passed: run.score.passed } };
  }).catch(() => undefined);

  // Running out of the drill's own time is a result (the restore is too slow), not a fault.
  const timedOut = signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError';
  if (timedOut) failure = new LifeboatError('DRILL_TIMEOUT', `drill timed out after ${formatDuration(drill.timeout ?? DEFAULT_TIMEOUT_MS)}`, { retryable: false });
  // inconclusive: nothing failed, but no completeness check ran, so the drill proves too little to pass.
  let phase: RunPhase = superseded(failure) ? 'abandoned' : failure && !(failure instanceof LifeboatError && FAILURE_CODES.has(failure.code)) ? 'error' : !failure && run.score ? run.score.outcome : 'failed';
  const keepMs = typeof drill.teardown === 'object' ? drill.teardown['keep-on-failure'] : undefined;
  await step('teardown', async () => {
    await target?.close().catch(() => undefined);
    if (!lease) return { value: undefined, details: { nothingToRemove: true } };
    if (phase !== 'passed' && keepMs && provider.keepable !== false) {
      const until = new Date(clock.now().getTime() + keepMs).toISOString();
      await deps.leases.put({ ...lease, keepUntil: until });
      run.kept = { until, database: lease.database };
      return { value: undefined, details: { keptUntil: until, database: lease.database } };
    }
    await provider.destroy(lease);
    await deps.leases.remove(lease.id);
    const notKept = phase !== 'passed' && keepMs ? { notKept: `sandbox ${drill.sandbox} is in memory and ends with this process: give it a dataDir to keep it` } : {};
    return { value: undefined, details: { removed: lease.database, ...notKept } };
  }).catch((err) => log.error({ err: messageOf(err) }, 'teardown failed: the lease stays for lifeboat sandbox sweep'));

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
    log.warn({ err: messageOf(err), slot: fence.slot }, 'could not record the slot\'s result; the run keeps its own');
    return true;
  }
}

const superseded = (err: unknown) => err instanceof LifeboatError && err.code === 'SLOT_SUPERSEDED';
const supersededError = (fence: SlotFence) => new LifeboatError('SLOT_SUPERSEDED', `slot ${fence.slot} was claimed by a newer attempt of its job: this attempt's result is not the slot's`);

/** RTO phases in milliseconds, named as the design names them. */
function phaseBreakdown(run: DrillRun): Record<string, number> {
  const ms = (name: StepName) => {
    const s = run.steps.find((x) => x.name === name);
    return s?.endedAt ? new Date(s.endedAt).getTime() - new Date(s.startedAt).getTime() : 0;
  };
  return { locate: ms('locate'), thaw: 0, transfer: ms('fetch'), provision: ms('provision'), restore: ms('restore'), verify: ms('verify'), cleanup: ms('teardown') };
}

/** The work's outcome, or the abort's reason as soon as the signal fires. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  // Whatever the work does after the abort, nobody waits for it any more.
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
