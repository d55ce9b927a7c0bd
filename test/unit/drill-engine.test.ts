import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/index.js';
import { drillSchema } from '../../src/config/schemas/drill.js';
import { estateSchema } from '../../src/config/schemas/estate.js';
import { fixedClock, LifeboatError, silentLogger } from '../../src/domain/index.js';
import { createEventRecorder, type LifeboatEvent } from '../../src/events/index.js';
import { resumePlan, runDrill, type DrillDeps, type DrillRun, type RunStore } from '../../src/drills/index.js';
import type { BackupRef, Lease, Restorer, SandboxProvider, SandboxTarget } from '../../src/providers/index.js';
import { STOPPED_IN_RESTORE, stepsOf } from '../helpers/drill-steps.js';

const T0 = new Date('2026-12-02T10:00:00.000Z');
const DUMP = '-- PostgreSQL database dump\nCREATE TABLE t (a int);\n';
const backup: BackupRef = { resourceId: 'db', region: 'r', location: 'local://r/db/a.sql', name: 'a.sql', size: DUMP.length, modifiedAt: T0, time: new Date(T0.getTime() - 60_000), timeSource: 'name', fingerprint: 'f' } as BackupRef;

/**
 * The engine alone, with every edge swapped for a fake: a restorer that does what each test
 * says, a sandbox that records what was made and removed, stores in memory, a fixed clock
 * that each step moves on by a second.
 */
function harness(o: { restore?: Restorer['restore']; open?: () => Promise<SandboxTarget>; assertion?: number; timeout?: string } = {}) {
  const clock = fixedClock(T0);
  const estate = estateSchema.parse({ version: 1, regions: { r: { kind: 'local', path: 'r' } }, sandboxes: { lite: { kind: 'pglite' } }, resources: [{ id: 'db', kind: 'dump-dir', region: 'r', path: 'db', rpo: '1d' }] });
  const drill = { ...drillSchema.parse({ resource: 'db', sandbox: 'lite', timeout: o.timeout, checks: { assertions: [{ name: 'rows', sql: 'SELECT count(*) FROM t', equals: 2 }] } }), name: 'd', file: 'drills/d.yaml' };
  const config = {
    estate,
    drills: new Map([['d', drill]]),
    resources: new Map([['db', estate.resources[0]]]),
    schedules: new Map(),
    stateDir: '/nowhere',
    ledgerDir: '/nowhere',
    baseDir: '/nowhere',
    estateFile: '/nowhere/lifeboat.yaml',
    regionRoots: new Map(),
  } as unknown as LoadedConfig;
  const made: string[] = [];
  const removed: string[] = [];
  const target: SandboxTarget = {
    engine: 'postgres',
    restoreSql: () => Promise.reject(new Error('the engine restores through its restorer')),
    query: async <T>() => [{ n: o.assertion ?? 2 }] as unknown as T[],
    close: async () => undefined,
  };
  const provider: SandboxProvider = {
    kind: 'pglite',
    engine: 'postgres',
    probe: async () => [],
    create: async (l: Lease) => void made.push(l.database),
    open: o.open ?? (async () => target),
    destroy: async (l: Lease) => void removed.push(l.database),
  };
  const runs = new Map<string, DrillRun>();
  const runStore: RunStore = {
    save: async (r) => void runs.set(r.runId, structuredClone(r)),
    get: async (id) => runs.get(id),
    list: async (f) => [...runs.values()].filter((r) => (!f?.jobKey || r.jobKey === f.jobKey) && (!f?.phase || r.phase === f.phase)),
    page: async () => ({ runs: [...runs.values()] }),
  };
  const leases = new Map<string, Lease>();
  const ledger: LifeboatEvent[] = [];
  const heard: LifeboatEvent[] = [];
  const restorer: Restorer = {
    kind: 'fake',
    restore:
      o.restore ??
      (async () => {
        clock.advance(1000);
        return { statements: 1, skipped: [], skippedByReason: {}, tool: 'fake' };
      }),
  };
  const deps = {
    config,
    clock,
    logger: silentLogger,
    events: createEventRecorder({ ledger: { appendMany: async (es: readonly LifeboatEvent[]) => void ledger.push(...es) } as never, bus: { publish: async (es: readonly LifeboatEvent[]) => void heard.push(...es) }, logger: silentLogger }),
    catalog: { list: async () => [backup] },
    inspector: { inspect: async () => ({ usable: true, bytesRead: DUMP.length, sha256: 'abc', checkedAt: T0.toISOString() }) },
    store: () => ({ thawStatus: async () => ({ state: 'available' }), open: async () => Readable.from([Buffer.from(DUMP)]) }),
    leases: { put: async (l: Lease) => void leases.set(l.id, l), remove: async (id: string) => void leases.delete(id), list: async () => [...leases.values()] },
    runs: runStore,
    sandbox: async () => provider,
    resolveHost: async () => [],
    random: () => 0.5,
    restorer,
  } as unknown as DrillDeps;
  return { deps, made, removed, leases, ledger, heard, runs, provider };
}

describe('the drill engine', () => {
  it('runs every step in order, saving and telling each; the phase timings come from the clock', async () => {
    const h = harness();
    const run = await runDrill('d', h.deps);
    expect(run.phase).toBe('passed');
    expect(stepsOf(run)).toEqual([
      ['locate', true],
      ['thaw', true],
      ['fetch', true],
      ['provision', true],
      ['restore', true],
      ['verify', true],
      ['score', true],
      ['teardown', true],
    ]);
    expect(run.phases).toMatchObject({ restore: 1000, thaw: 0 });
    expect(h.made).toEqual(h.removed);
    expect(h.leases.size).toBe(0);
    expect(h.ledger.map((e) => e.type)).toEqual(['drill.started', 'drill.finished']);
    expect(h.heard.filter((e) => e.type === 'drill.step').map((e) => (e.data as { step: string }).step)).toEqual(['locate', 'thaw', 'fetch', 'provision', 'restore', 'verify', 'score', 'teardown']);
  });

  it('a restore that fails: failed, scored, and the sandbox torn down', async () => {
    const h = harness({ restore: async () => Promise.reject(new LifeboatError('RESTORE_FAILED', 'ERROR 1064 at line 3: syntax')) });
    const run = await runDrill('d', h.deps);
    expect(run.phase).toBe('failed');
    expect(run.error).toBe('ERROR 1064 at line 3: syntax');
    expect(stepsOf(run)).toEqual(STOPPED_IN_RESTORE);
    expect(h.removed).toEqual(h.made);
    expect(h.made).toHaveLength(1);
  });

  it('a sandbox that is created but will not open: an error, and what was created is removed', async () => {
    const h = harness({ open: () => Promise.reject(new LifeboatError('DATABASE_UNREACHABLE', 'sandbox gone')) });
    const run = await runDrill('d', h.deps);
    expect(run.phase).toBe('error');
    expect(run.retryable).toBe(true);
    expect(h.removed).toEqual(h.made);
    expect(h.leases.size).toBe(0);
  });

  it('a restore that never ends: stopped by the drill timeout, failed with DRILL_TIMEOUT, torn down', async () => {
    const h = harness({ restore: () => new Promise(() => undefined), timeout: '1s' });
    const run = await runDrill('d', h.deps);
    expect(run.phase).toBe('failed');
    expect(run.error).toBe('drill timed out after 1s');
    expect(stepsOf(run).slice(-3)).toEqual([
      ['restore', false],
      ['score', true],
      ['teardown', true],
    ]);
    expect(h.removed).toEqual(h.made);
  });

  it('data back but a check failed: partially-failed, with the check and the reason', async () => {
    const h = harness({ assertion: 1 });
    const run = await runDrill('d', h.deps);
    expect(run.phase).toBe('partially-failed');
    expect(run.checks).toEqual([expect.objectContaining({ kind: 'assertion', name: 'rows', passed: false, message: 'rows: expected = 2, got 1' })]);
    expect(run.score!.reasons).toEqual(['completeness: 0.0% of check weight passed, target 100.0%']);
    expect(h.removed).toEqual(h.made);
  });

  it('an archived backup: a thaw is asked for, nothing is provisioned, and the queue may retry', async () => {
    const h = harness();
    const thawed: string[] = [];
    (h.deps as unknown as { store: () => unknown }).store = () => ({ thawStatus: async () => ({ state: 'archived' }), thaw: async (key: string) => (thawed.push(key), { state: 'restoring' }), open: async () => Readable.from([Buffer.from(DUMP)]) });
    const run = await runDrill('d', h.deps);
    expect(run.phase).toBe('error');
    expect(run.retryable).toBe(true);
    expect(run.error).toBe('backup a.sql in r is being thawed: the drill runs again once it is available');
    expect(thawed).toEqual(['db/a.sql']);
    expect(h.made).toEqual([]);
  });

  it('a retried job whose attempt waited for a thaw goes on in the same run: the same backup, the thaw not asked for again', async () => {
    const h = harness();
    const thawRequests: string[] = [];
    let state = 'archived';
    (h.deps as unknown as { store: () => unknown }).store = () => ({
      thawStatus: async () => ({ state }),
      thaw: async (key: string) => (thawRequests.push(key), (state = 'restoring'), { state }),
      open: async () => Readable.from([Buffer.from(DUMP)]),
    });
    const first = await runDrill('d', h.deps, { jobKey: 'drill:1', retriesLeft: true });
    expect(first).toMatchObject({ phase: 'error', retryable: true });
    state = 'available';
    const plan = await resumePlan('drill:1', h.deps);
    expect([...plan!.carried]).toEqual(['locate']);
    const second = await runDrill('d', h.deps, { jobKey: 'drill:1', resume: plan });
    expect(second.runId).toBe(first.runId);
    expect(second.phase).toBe('passed');
    expect(thawRequests).toEqual(['db/a.sql']);
    expect(stepsOf(second)).toEqual([
      ['locate', true],
      ['thaw', false],
      ['score', true],
      ['teardown', true],
      ['thaw', true],
      ['fetch', true],
      ['provision', true],
      ['restore', true],
      ['verify', true],
      ['score', true],
      ['teardown', true],
    ]);
    expect(second.resumedAt).toHaveLength(1);
    expect(h.ledger.map((e) => e.type)).toEqual(['drill.started', 'drill.attempt-failed', 'drill.resumed', 'drill.finished']);
  });

  it('an attempt that died after its restore leaves its sandbox: the next attempt opens it again and verifies, restoring nothing twice', async () => {
    const h = harness();
    let restores = 0;
    (h.deps as unknown as { restorer: Restorer }).restorer = { kind: 'fake', restore: async () => (restores++, { statements: 1, skipped: [], skippedByReason: {}, tool: 'fake' }) };
    // The first attempt as a process killed during verify leaves it: restore done, lease and sandbox there, the run still running under a pid that is gone.
    const lease: Lease = { id: 'd-1', runId: 'd-1', drill: 'd', sandbox: 'lite', kind: 'pglite', database: 'lbdrill_d_1', createdAt: T0.toISOString(), owner: { host: (await import('node:os')).hostname(), pid: 2 ** 22 + 7 } };
    await h.deps.leases.put(lease);
    const at = (n: number) => new Date(T0.getTime() + n * 1000).toISOString();
    const earlier: DrillRun = {
      runId: 'd-1',
      drill: 'd',
      resource: 'db',
      sandbox: 'lite',
      phase: 'running',
      startedAt: at(0),
      owner: lease.owner,
      jobKey: 'drill:2',
      leaseId: 'd-1',
      backup: { name: 'a.sql', region: 'r', location: backup.location, time: backup.time.toISOString(), timeSource: 'name', size: backup.size },
      steps: (['locate', 'thaw', 'fetch', 'provision', 'restore'] as const)
        .map((name, i) => ({ name, startedAt: at(i), endedAt: at(i + 1), ok: true, details: name === 'fetch' ? { sha256: 'abc' } : {} }))
        .concat([{ name: 'verify', startedAt: at(5) } as never]),
    };
    await h.deps.runs.save(earlier);
    const plan = await resumePlan('drill:2', h.deps);
    expect(plan).toMatchObject({ lease: { database: 'lbdrill_d_1' } });
    const run = await runDrill('d', h.deps, { jobKey: 'drill:2', resume: plan });
    expect(run.phase).toBe('passed');
    expect(restores).toBe(0);
    expect(h.made).toEqual([]);
    expect(h.removed).toEqual(['lbdrill_d_1']);
    expect(stepsOf(run).slice(5)).toEqual([
      ['verify', false],
      ['provision', true],
      ['verify', true],
      ['score', true],
      ['teardown', true],
    ]);
    expect(run.steps[5]!.error).toBe('interrupted: the attempt running it stopped');
  });

  it('an attempt that died in the middle of its restore is not resumed: its sandbox is half filled', async () => {
    const h = harness();
    const earlier = {
      runId: 'd-2',
      drill: 'd',
      resource: 'db',
      sandbox: 'lite',
      phase: 'running',
      startedAt: T0.toISOString(),
      owner: { host: (await import('node:os')).hostname(), pid: 2 ** 22 + 9 },
      jobKey: 'drill:3',
      backup: { name: 'a.sql', region: 'r', location: backup.location, time: backup.time.toISOString(), timeSource: 'name', size: 1 },
      steps: [
        { name: 'locate', startedAt: T0.toISOString(), endedAt: T0.toISOString(), ok: true },
        { name: 'restore', startedAt: T0.toISOString() },
      ],
    } as DrillRun;
    await h.deps.runs.save(earlier);
    await h.deps.leases.put({ id: 'd-2', runId: 'd-2', drill: 'd', sandbox: 'lite', kind: 'pglite', database: 'lbdrill_d_2', createdAt: T0.toISOString(), owner: earlier.owner });
    expect(await resumePlan('drill:3', h.deps)).toBeUndefined();
  });
});
