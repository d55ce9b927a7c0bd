import type { DrillRun } from '../../src/drills/index.js';

/** Each step a run went through and whether it finished well: what a drill's story is checked against. */
export const stepsOf = (r: Pick<DrillRun, 'steps'>) => r.steps.map((s) => [s.name, s.ok]);

/** A drill stopped in its restore (failed, timed out, cancelled): scored anyway, and torn down. */
export const STOPPED_IN_RESTORE = [
  ['locate', true],
  ['thaw', true],
  ['fetch', true],
  ['provision', true],
  ['restore', false],
  ['score', true],
  ['teardown', true],
];

/** Each step a run began and whether it ended: what a killed attempt left behind. */
export const stepsEnded = (r: { steps: { name: string; endedAt?: string }[] }) => r.steps.map((s) => [s.name, !!s.endedAt]);

/** An attempt whose process died in its restore: every step before it ended, the restore never did. */
export const KILLED_IN_RESTORE = [
  ['locate', true],
  ['thaw', true],
  ['fetch', true],
  ['provision', true],
  ['restore', false],
];
