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
  /** 0-100: a passed drill scores 60-100, a failed one 0-59 (formula in the README). */
  score: number;
}

/** The lowest score a passed drill can have; every failed drill scores below it. */
export const PASSING_SCORE = 60;

/** How much of a time target was met: 1 within target, falling as target/achieved beyond it. */
const timeFactor = (target: number, achieved: number | undefined) => (achieved === undefined ? 0 : achieved <= target ? 1 : target / achieved);

/**
 * Points = 40 × completeness + 30 × RTO factor + 30 × RPO factor. A passed drill met both
 * time targets, so its points are 60 + 40 × completeness: 60-100 as they are. A failed
 * drill's points are scaled into 0-59, keeping the order among failures, so a corrupted
 * restore that was fast and recent can never look like a pass.
 */
export function score(i: ScoreInput): Score {
  const rto = { target: i.rtoTargetMs, achieved: i.rtoAchievedMs, passed: i.restored && i.rtoAchievedMs <= i.rtoTargetMs };
  const rpo = { target: i.rpoTargetMs, achieved: i.rpoAchievedMs ?? null, passed: i.restored && i.rpoAchievedMs !== undefined && i.rpoAchievedMs <= i.rpoTargetMs };
  const completeness = { target: i.completenessTarget, achieved: i.completenessAchieved, passed: i.restored && i.completenessAchieved >= i.completenessTarget };
  const passed = rto.passed && rpo.passed && completeness.passed;
  const ratio = Math.min(1, Math.max(0, i.completenessAchieved));
  const points = i.restored ? 40 * ratio + 30 * timeFactor(i.rtoTargetMs, i.rtoAchievedMs) + 30 * timeFactor(i.rpoTargetMs, i.rpoAchievedMs) : 0;
  const value = passed ? Math.max(PASSING_SCORE, Math.round(points)) : Math.floor((points * (PASSING_SCORE - 1)) / 100);
  return { rto, rpo, completeness, passed, score: value };
}
