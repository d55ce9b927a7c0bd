import { randomInt } from 'node:crypto';
import type { DrillRun, RunPhase, StepRecord } from '../../../src/drills/index.js';
import { makeRunId, STEPS } from '../../../src/drills/index.js';

export interface RunShape {
  drill: string;
  at: Date;
  phase?: RunPhase;
  jobKey?: string;
  steps?: number;
  /** The 6-hex tag's source, to force an order of ids within one second. */
  random?: () => number;
}

/** A run as the engine writes it: its id is makeRunId's, startedAt that same instant. */
export function makeRun(shape: RunShape): DrillRun {
  const startedAt = shape.at.toISOString();
  const run: DrillRun = {
    runId: makeRunId(shape.drill, shape.at, shape.random ?? (() => randomInt(0xffffff) / 0xffffff)),
    drill: shape.drill,
    resource: `res-${shape.drill}`,
    sandbox: 'pg-sandbox',
    phase: shape.phase ?? 'passed',
    startedAt,
    owner: { host: 'host-1', pid: 4242 },
    steps: stepsOf(shape.at, shape.steps ?? 3),
  };
  if (shape.jobKey) run.jobKey = shape.jobKey;
  if (run.phase !== 'running') run.endedAt = new Date(shape.at.getTime() + 60_000).toISOString();
  return run;
}

/** The first `n` steps, all finished but the last, which runs when n is short of all of them. */
export function stepsOf(at: Date, n: number): StepRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const step: StepRecord = { name: STEPS[i % STEPS.length]!, startedAt: new Date(at.getTime() + i * 1000).toISOString(), details: { i, note: 'x'.repeat(i % 5) } };
    if (i < n - 1) Object.assign(step, { endedAt: new Date(at.getTime() + i * 1000 + 900).toISOString(), ok: true });
    return step;
  });
}

/** Oldest first, the order list() promises: by startedAt, then runId. */
export const oldestFirst = (a: DrillRun, b: DrillRun) => (a.startedAt !== b.startedAt ? (a.startedAt < b.startedAt ? -1 : 1) : a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0);

export function shuffled<T>(xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * `count` runs spread over the drills, one every few minutes, with some starting in the same
 * second as the one before (other milliseconds), so ordering inside a second is exercised too.
 */
export function history(count: number, drills: readonly string[], from = new Date('2024-01-01T00:00:00.000Z')): DrillRun[] {
  const ids = new Set<string>();
  const runs: DrillRun[] = [];
  let t = from.getTime();
  for (let i = 0; i < count; i++) {
    t += i % 4 === 0 ? randomInt(1, 400) : randomInt(60_000, 600_000);
    const drill = drills[i % drills.length]!;
    let run = makeRun({ drill, at: new Date(t), phase: i % 7 === 0 ? 'failed' : 'passed', jobKey: `job-${i % 50}`, steps: 2 });
    while (ids.has(run.runId)) run = makeRun({ drill, at: new Date(t), phase: run.phase, jobKey: run.jobKey, steps: 2 });
    ids.add(run.runId);
    runs.push(run);
  }
  return runs;
}
