import type { Completeness } from '../../checks/index.js';
import type { Drill } from '../../config/index.js';
import { score, type Score } from '../../scoring/index.js';
import type { StepOutput } from './step-output.js';

/**
 * The run against its targets. A drill that checks the canary measures its RPO by the canary
 * alone: a missing or empty canary table fails the RPO target rather than falling back to
 * the backup's own time.
 */
export function scoreRun(i: {
  drill: Drill;
  targets: { rtoMs: number; rpoMs: number; completeness: number };
  startedAt: Date;
  /** When verification ended (or now, when it never did). */
  endedAt: Date;
  backupTime?: Date;
  completeness?: Completeness;
  restored: boolean;
}): StepOutput<Score> {
  const canary = i.drill.checks?.canary ? i.completeness?.checks.find((c) => c.kind === 'canary') : undefined;
  const newestData = i.drill.checks?.canary ? i.completeness?.canaryAt : i.backupTime;
  const s = score({
    rtoTargetMs: i.targets.rtoMs,
    rtoAchievedMs: i.endedAt.getTime() - i.startedAt.getTime(),
    rpoTargetMs: i.targets.rpoMs,
    rpoAchievedMs: newestData ? i.startedAt.getTime() - newestData.getTime() : undefined,
    rpoUnmeasured: canary && !canary.passed ? `the drill measures RPO by the canary and ${canary.message}` : undefined,
    completenessTarget: i.targets.completeness,
    completenessAchieved: i.restored && i.completeness ? i.completeness.ratio : 0,
    restored: i.restored && !!i.completeness,
  });
  return { value: s, details: { score: s.score, outcome: s.outcome, passed: s.passed } };
}
