import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { fixedClock, LifeboatError, silentLogger } from '../../src/domain/index.js';
import { abandonDeadRuns, lastSeen, startHeartbeat, sweepDeadDrills, sweepLeases, teardownBackoffMs, type DrillRun, type RunFilter, type RunStore, type SweptLease } from '../../src/drills/index.js';
import { createEventRecorder } from '../../src/events/index.js';
import type { Ledger } from '../../src/ledger/index.js';
import type { Lease, LeaseStore, SandboxProvider } from '../../src/providers/index.js';
import { waitFor } from '../helpers/wait.js';

const T0 = new Date('2026-11-22T02:00:00Z');
const MIN = 60_000;
/** A pid no process has (above any pid_max). */
const DEAD_PID = 2_147_483_000;

function memoryRuns(initial: DrillRun[] = []): RunStore & { all: Map<string, DrillRun>; saves: number } {
  const all = new Map(initial.map((r) => [r.runId, structuredClone(r)]));
  const store = {
    all,
    saves: 0,
    save: async (r: DrillRun) => {
      store.saves++;
      all.set(r.runId, structuredClone(r));
    },
    get: async (id: string) => (all.has(id) ? structuredClone(all.get(id)!) : undefined),
    list: async (f?: RunFilter) => [...all.values()].filter((r) => (!f?.drill || r.drill === f.drill) && (!f?.phase || r.phase === f.phase) && (!f?.jobKey || r.jobKey === f.jobKey)).map((r) => structuredClone(r)),
    page: () => Promise.reject(new Error('not used by the sweep')),
  };
  return store;
}
function memoryLeases(initial: Lease[] = []): LeaseStore & { all: Map<string, SweptLease> } {
  const all = new Map<string, SweptLease>(initial.map((l) => [l.id, structuredClone(l)]));
  return { all, put: async (l) => void all.set(l.id, structuredClone(l)), remove: async (id) => void all.delete(id), list: async () => [...all.values()].map((l) => structuredClone(l)) };
}
/** What lifeboat records goes through the recorder, onto this in-memory ledger. */
const eventsOn = (ledger: Ledger) => createEventRecorder({ ledger, logger: silentLogger });
function memoryLedger(): Ledger & { entries: { type: string; subject: string; data: Record<string, unknown> }[] } {
  const entries: { type: string; subject: string; data: Record<string, unknown> }[] = [];
  return {
    entries,
    append: async (e) => {
      entries.push(e as never);
      return e as never;
    },
    appendMany: async (es) => es.map((e) => (entries.push(e as never), e as never)),
    records: async function* () {},
    verify: async () => ({}) as never,
    close: async () => {},
  };
}
const run = (id: string, over: Partial<DrillRun> = {}): DrillRun => ({
  runId: id,
  drill: 'd',
  resource: 'r',
  sandbox: 's',
  phase: 'running',
  startedAt: T0.toISOString(),
  owner: { host: hostname(), pid: DEAD_PID },
  steps: [
    { name: 'locate', startedAt: T0.toISOString(), endedAt: new Date(T0.getTime() + 1000).toISOString(), ok: true },
    { name: 'restore', startedAt: new Date(T0.getTime() + 2000).toISOString() },
  ],
  ...over,
});
const lease = (id: string, over: Partial<Lease> = {}): Lease => ({
  id,
  runId: id,
  drill: 'd',
  sandbox: 's',
  kind: 'mysql',
  database: `lbdrill_d_${id}`,
  user: `lbrun_${id}`,
  createdAt: T0.toISOString(),
  owner: { host: hostname(), pid: DEAD_PID },
  ...over,
});

describe('runs whose process died are marked abandoned, with when they were last seen', () => {
  it('this host, process gone: abandoned at its last heartbeat, ledgered; the open step is left as it was', async () => {
    const clock = fixedClock(new Date(T0.getTime() + 60 * MIN));
    const seen = new Date(T0.getTime() + 7 * MIN).toISOString();
    const runs = memoryRuns([run('a', { lastSeenAt: seen })]);
    const ledger = memoryLedger();
    const r = await abandonDeadRuns({ runs, events: eventsOn(ledger), clock, logger: silentLogger });
    expect(r.abandoned.map((x) => x.runId)).toEqual(['a']);
    const saved = runs.all.get('a')!;
    expect(saved).toMatchObject({ phase: 'abandoned', lastSeenAt: seen, endedAt: clock.now().toISOString() });
    expect(saved.error).toMatch(new RegExp(`abandoned: its process \\(pid ${DEAD_PID} on .*\\) is gone; last seen ${seen} at step restore`));
    expect(saved.steps.at(-1)!.endedAt).toBeUndefined();
    expect(ledger.entries).toEqual([{ type: 'drill.abandoned', subject: 'a', data: expect.objectContaining({ lastSeenAt: seen, lastStep: 'restore', drill: 'd' }) }]);
    // A second sweep finds nothing more to do.
    expect((await abandonDeadRuns({ runs, events: eventsOn(ledger), clock, logger: silentLogger })).abandoned).toEqual([]);
    expect(ledger.entries).toHaveLength(1);
  });

  it('without a heartbeat, last seen is the newest step time', async () => {
    const r = run('b');
    expect(lastSeen(r).toISOString()).toBe(new Date(T0.getTime() + 2000).toISOString());
  });

  it('a run of this very process, or of a live process with a fresh heartbeat, is left running', async () => {
    const clock = fixedClock(new Date(T0.getTime() + 60 * MIN));
    const fresh = new Date(T0.getTime() + 59 * MIN).toISOString();
    const runs = memoryRuns([run('mine', { owner: { host: hostname(), pid: process.pid } }), run('parent', { owner: { host: hostname(), pid: process.ppid }, lastSeenAt: fresh })]);
    const r = await abandonDeadRuns({ runs, events: eventsOn(memoryLedger()), clock, logger: silentLogger });
    expect(r.abandoned).toEqual([]);
    expect(r.running.map((x) => x.runId).sort()).toEqual(['mine', 'parent']);
  });

  it('a live pid whose run has been silent for long is another process now (pid reused): abandoned', async () => {
    const clock = fixedClock(new Date(T0.getTime() + 60 * MIN));
    const runs = memoryRuns([run('reused', { owner: { host: hostname(), pid: process.ppid }, lastSeenAt: new Date(T0.getTime() + 10 * MIN).toISOString() })]);
    const r = await abandonDeadRuns({ runs, events: eventsOn(memoryLedger()), clock, logger: silentLogger });
    expect(r.abandoned[0]!.error).toMatch(/is another process now/);
  });

  it('another host: abandoned once its heartbeat has been silent past the limit, not before', async () => {
    const clock = fixedClock(new Date(T0.getTime() + 60 * MIN));
    const runs = memoryRuns([
      run('silent', { owner: { host: 'elsewhere', pid: 1 }, lastSeenAt: new Date(T0.getTime() + 40 * MIN).toISOString() }),
      run('alive', { owner: { host: 'elsewhere', pid: 1 }, lastSeenAt: new Date(T0.getTime() + 59 * MIN).toISOString() }),
    ]);
    const r = await abandonDeadRuns({ runs, events: eventsOn(memoryLedger()), clock, logger: silentLogger });
    expect(r.abandoned.map((x) => x.runId)).toEqual(['silent']);
    expect(r.abandoned[0]!.error).toMatch(/its process on elsewhere has been silent for 1200 s/);
  });

  it('distributed: a run whose queue job no worker holds is abandoned, one whose job is held is not, whatever its host', async () => {
    const clock = fixedClock(new Date(T0.getTime() + 2 * MIN));
    const runs = memoryRuns([run('held', { jobKey: 'drill:repeat:schedule:x:1', owner: { host: 'w1', pid: 1 } }), run('lost', { jobKey: 'drill:repeat:schedule:x:2', owner: { host: 'w2', pid: 1 } })]);
    const live: string[] = [];
    const r = await abandonDeadRuns({ runs, events: eventsOn(memoryLedger()), clock, logger: silentLogger, live: { drill: async (x) => void live.push(`${x.runId}:${x.phase}`) } }, { jobAlive: async (k) => k.endsWith(':1') });
    expect(r.abandoned.map((x) => x.runId)).toEqual(['lost']);
    expect(r.abandoned[0]!.error).toMatch(/no worker holds its queue job drill:repeat:schedule:x:2/);
    expect(live).toEqual(['lost:abandoned']);
  });

  it("the sweep then removes the abandoned run's sandbox even though its lease names another host", async () => {
    const clock = fixedClock(new Date(T0.getTime() + 2 * MIN));
    const runs = memoryRuns([run('lost', { jobKey: 'drill:9', owner: { host: 'w2', pid: 1 } })]);
    const leases = memoryLeases([lease('lost', { owner: { host: 'w2', pid: 1 } })]);
    const destroyed: string[] = [];
    const provider = { destroy: async (l: Lease) => void destroyed.push(l.database) } as SandboxProvider;
    const r = await sweepDeadDrills({ runs, leases, events: eventsOn(memoryLedger()), clock, logger: silentLogger, sandbox: async () => provider }, { jobAlive: async () => false });
    expect(r.abandoned.map((x) => x.runId)).toEqual(['lost']);
    expect(r.removed.map((l) => l.id)).toEqual(['lost']);
    expect(destroyed).toEqual(['lbdrill_d_lost']);
    expect(leases.all.size).toBe(0);
  });
});

describe('a lease whose teardown keeps failing does not fail every later sweep', () => {
  it('first failure: failed and ledgered once; then recorded and retried with backoff as stuck; removed when it works', async () => {
    const clock = fixedClock(T0);
    const leases = memoryLeases([lease('x')]);
    const ledger = memoryLedger();
    let calls = 0;
    let reachable = false;
    const provider = {
      destroy: async () => {
        calls++;
        if (!reachable) throw new LifeboatError('DATABASE_UNREACHABLE', 'cannot connect to 10.0.0.9:3306: ECONNREFUSED');
      },
    } as unknown as SandboxProvider;
    const deps = { leases, events: eventsOn(ledger), clock, logger: silentLogger, sandbox: async () => provider };

    const first = await sweepLeases(deps);
    expect(first.failed).toEqual([{ lease: expect.objectContaining({ id: 'x' }), error: expect.stringMatching(/ECONNREFUSED/) }]);
    expect(leases.all.get('x')!.teardownFailures).toMatchObject({ attempts: 1, firstFailedAt: T0.toISOString(), lastError: expect.stringMatching(/ECONNREFUSED/) });
    expect(ledger.entries.map((e) => e.type)).toEqual(['sandbox.sweep-failed']);

    // Right away: not tried again, not a failure.
    const second = await sweepLeases(deps);
    expect(second.failed).toEqual([]);
    expect(second.stuck).toEqual([expect.objectContaining({ attempts: 1, nextTryAfter: new Date(T0.getTime() + teardownBackoffMs(1)).toISOString() })]);
    expect(calls).toBe(1);

    // After the backoff: tried, fails again, still only stuck; the ledger is not flooded.
    clock.advance(teardownBackoffMs(1));
    const third = await sweepLeases(deps);
    expect(third.failed).toEqual([]);
    expect(third.stuck).toEqual([expect.objectContaining({ attempts: 2 })]);
    expect(calls).toBe(2);
    expect(ledger.entries).toHaveLength(1);

    // A forced sweep (lifeboat sandbox sweep) tries now; the server is back: removed.
    reachable = true;
    const fourth = await sweepLeases(deps, { force: true });
    expect(fourth.removed.map((l) => l.id)).toEqual(['x']);
    expect(leases.all.size).toBe(0);
    expect(ledger.entries.at(-1)).toMatchObject({ type: 'sandbox.swept', data: { afterFailedAttempts: 2 } });
  });

  it('a lease naming a sandbox no longer configured is recorded and moved on from too', async () => {
    const clock = fixedClock(T0);
    const leases = memoryLeases([lease('y', { sandbox: 'gone' })]);
    const deps = {
      leases,
      events: eventsOn(memoryLedger()),
      clock,
      logger: silentLogger,
      sandbox: async (n: string): Promise<SandboxProvider> => {
        throw new LifeboatError('CONFIG_INVALID', `unknown sandbox ${n}`);
      },
    };
    expect((await sweepLeases(deps)).failed).toHaveLength(1);
    clock.advance(teardownBackoffMs(1));
    const again = await sweepLeases(deps);
    expect(again.failed).toEqual([]);
    expect(again.stuck[0]).toMatchObject({ attempts: 2, lastError: 'unknown sandbox gone' });
  });

  it('backoff doubles from 5 minutes up to 6 hours', () => {
    expect([1, 2, 3, 10].map(teardownBackoffMs)).toEqual([5 * MIN, 10 * MIN, 20 * MIN, 6 * 60 * MIN]);
  });
});

describe('heartbeat', () => {
  it('keeps lastSeenAt fresh while a run runs, and stop() waits for a save in flight', async () => {
    const clock = fixedClock(T0);
    const runs = memoryRuns();
    const r = run('h', { owner: { host: hostname(), pid: process.pid } });
    const beat = startHeartbeat(r, runs, clock, 10);
    clock.advance(MIN);
    const seen = new Date(T0.getTime() + MIN).toISOString();
    await waitFor(() => runs.all.get('h')!.lastSeenAt === seen, { timeout: 5_000, what: `a beat to save lastSeenAt ${seen}` });
    await beat.stop();
    const saves = runs.saves;
    // Absence is shown by waiting: four beat intervals with no save after stop().
    await new Promise((res) => setTimeout(res, 40));
    expect(runs.saves).toBe(saves);
  });
});
