import { formatDuration } from '../config/index.js';

/** Targets and what a drill achieved, in milliseconds and ratios. */
export interface ScoreInput {
  rtoTargetMs: number;
  rtoAchievedMs: number;
  rpoTargetMs: number;
  /** Undefined when the restored copy gave no time to measure from (no canary, no consistent point). */
  rpoAchievedMs?: number;
  /**
   * Why the RPO could not be measured, when rpoAchievedMs is undefined: a drill that checks the
   * canary and finds none must not fall back to the backup's own claim of its time.
   */
  rpoUnmeasured?: string;
  completenessTarget: number;
  /** Null when no weighted check ran (no manifest, no assertions): completeness is unknown, not 1. */
  completenessAchieved: number | null;
  /** False when the restore itself failed: nothing else can pass then. */
  restored: boolean;
}

export interface TargetResult {
  target: number;
  achieved: number | null;
  passed: boolean;
}

/**
 * passed: every target met. failed: a target missed, or the restore failed. inconclusive:
 * nothing failed but completeness is unknown (no check ran), so the drill proves too little to pass.
 */
export type Outcome = 'passed' | 'failed' | 'inconclusive';

export interface Score {
  rto: TargetResult;
  rpo: TargetResult;
  completeness: TargetResult;
  passed: boolean;
  outcome: Outcome;
  /** One sentence for each target missed or unknown, naming what was found and what was expected. */
  reasons: string[];
  /** 0-100: a passed drill scores 60-100, a failed or inconclusive one 0-59 (formula in the README). */
  score: number;
}

/** The lowest score a passed drill can have; every failed or inconclusive drill scores below it. */
export const PASSING_SCORE = 60;

/** How much of a time target was met: 1 within target, falling as target/achieved beyond it. */
const timeFactor = (target: number, achieved: number | undefined) => (achieved === undefined ? 0 : achieved <= target ? 1 : target / achieved);

/**
 * Points = 40 × completeness + 30 × RTO factor + 30 × RPO factor. A passed drill met both
 * time targets, so its points are 60 + 40 × completeness: 60-100 as they are. A failed or
 * inconclusive drill's points (an unknown completeness counting 0) are scaled into 0-59,
 * keeping the order among them, so a corrupted restore that was fast and recent, or one
 * nothing was checked against, can never look like a pass.
 */
export function score(i: ScoreInput): Score {
  const rto = { target: i.rtoTargetMs, achieved: i.rtoAchievedMs, passed: i.restored && i.rtoAchievedMs <= i.rtoTargetMs };
  const rpo = { target: i.rpoTargetMs, achieved: i.rpoAchievedMs ?? null, passed: i.restored && i.rpoAchievedMs !== undefined && i.rpoAchievedMs <= i.rpoTargetMs };
  const known = i.completenessAchieved !== null;
  const completeness = { target: i.completenessTarget, achieved: i.completenessAchieved, passed: i.restored && known && i.completenessAchieved! >= i.completenessTarget };
  const reasons: string[] = [];
  if (!i.restored) reasons.push('the backup was not restored and verified: no target can be met');
  else {
    if (!rto.passed) reasons.push(`RTO: restore and verification took ${formatDuration(i.rtoAchievedMs)}, target ${formatDuration(i.rtoTargetMs)}`);
    if (i.rpoAchievedMs === undefined) reasons.push(`RPO: not measured: ${i.rpoUnmeasured ?? 'the restored copy gives no time for its newest data'}`);
    else if (!rpo.passed) reasons.push(`RPO: newest data in the restored copy is ${formatDuration(i.rpoAchievedMs)} old, target ${formatDuration(i.rpoTargetMs)}`);
    if (!known) reasons.push('completeness: unknown: no check ran (no manifest for the backup, no assertions), so nothing shows the data came back');
    else if (!completeness.passed) reasons.push(`completeness: ${(i.completenessAchieved! * 100).toFixed(1)}% of check weight passed, target ${(i.completenessTarget * 100).toFixed(1)}%`);
  }
  const failed = !rto.passed || !rpo.passed || (known && !completeness.passed);
  const outcome: Outcome = failed ? 'failed' : known ? 'passed' : 'inconclusive';
  const passed = outcome === 'passed';
  const ratio = known ? Math.min(1, Math.max(0, i.completenessAchieved!)) : 0;
  const points = i.restored ? 40 * ratio + 30 * timeFactor(i.rtoTargetMs, i.rtoAchievedMs) + 30 * timeFactor(i.rpoTargetMs, i.rpoAchievedMs) : 0;
  const value = passed ? Math.max(PASSING_SCORE, Math.round(points)) : Math.floor((points * (PASSING_SCORE - 1)) / 100);
  return { rto, rpo, completeness, passed, outcome, reasons, score: value };
}
