/** Targets and what a drill achieved, in milliseconds and ratios. */
export interface ScoreInput {
  rtoTargetMs: number;
  rtoAchievedMs: number;
  rpoTargetMs: number;
  /** Undefined when the restored copy gave no time to measure from (no canary, no consistent point). */
  rpoAchievedMs?: number;
  completenessTarget: number;
  completenessAchieved: number;
  /** False when the restore itself failed: nothing else can pass then. */
  restored: boolean;
}

export interface TargetResult {
  target: number;
  achieved: number | null;
  passed: boolean;
}

export interface Score {
  rto: TargetResult;
  rpo: TargetResult;
  completeness: TargetResult;
  passed: boolean;
  /** 0-100: 40 for completeness, 30 for RTO, 30 for RPO (formula in the README). */
  score: number;
}

/** How much of a time target was met: 1 within target, falling as target/achieved beyond it. */
const timeFactor = (target: number, achieved: number | undefined) => (achieved === undefined ? 0 : achieved <= target ? 1 : target / achieved);

export function score(i: ScoreInput): Score {
  const rto = { target: i.rtoTargetMs, achieved: i.rtoAchievedMs, passed: i.restored && i.rtoAchievedMs <= i.rtoTargetMs };
  const rpo = { target: i.rpoTargetMs, achieved: i.rpoAchievedMs ?? null, passed: i.restored && i.rpoAchievedMs !== undefined && i.rpoAchievedMs <= i.rpoTargetMs };
  const completeness = { target: i.completenessTarget, achieved: i.completenessAchieved, passed: i.restored && i.completenessAchieved >= i.completenessTarget };
  const points = i.restored ? 40 * i.completenessAchieved + 30 * timeFactor(i.rtoTargetMs, i.rtoAchievedMs) + 30 * timeFactor(i.rpoTargetMs, i.rpoAchievedMs) : 0;
  return { rto, rpo, completeness, passed: rto.passed && rpo.passed && completeness.passed, score: Math.round(points) };
}
