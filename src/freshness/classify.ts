import { formatDuration } from '../config/index.js';
import type { BackupRef, Verdict } from '../providers/index.js';
import type { BackupSummary, FreshnessResult, FreshnessStatus } from './types.js';

export interface Inspected {
  backup: BackupRef;
  verdict: Verdict;
}

export interface ClassifyInput {
  resource: { id: string; kind: string; region: string };
  now: Date;
  rpoMs: number;
  graceMs: number;
  total: number;
  /** Backups newest first, inspected up to and including the first usable one. */
  inspected: Inspected[];
}

/** How far ahead of our clock a backup's time may be before it is taken for a lie rather than skew. */
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60_000;

function summary(b: BackupRef, nowMs: number): BackupSummary {
  return { name: b.name, region: b.region, time: b.time.toISOString(), timeSource: b.timeSource, ageMs: nowMs - b.time.getTime(), size: b.size };
}

/**
 * The freshness rule, in one pure function. A newest backup that is unusable makes the
 * resource failing even when an older one is still within target: the backup job is
 * broken and will go stale next, so on-call should hear now.
 */
export function classify(input: ClassifyInput): FreshnessResult {
  const { now, rpoMs, graceMs, inspected } = input;
  const nowMs = now.getTime();
  let status: FreshnessStatus;
  let reason: string;
  let newestUsable: BackupSummary | undefined;
  let newest: FreshnessResult['newest'];

  const usable = inspected.find((i) => i.verdict.usable);
  if (usable) newestUsable = summary(usable.backup, nowMs);
  const first = inspected[0];
  if (input.total === 0 || !first) {
    status = 'missing';
    reason = 'no backup files found';
  } else if (!first.verdict.usable) {
    newest = { ...summary(first.backup, nowMs), problem: first.verdict.reason ?? 'unusable' };
    const older = newestUsable ? `; newest usable ${newestUsable.name} is ${formatDuration(newestUsable.ageMs)} old` : '; no usable backup';
    status = 'failing';
    reason = `newest backup ${first.backup.name}: ${newest.problem}${older}`;
  } else {
    const age = newestUsable!.ageMs;
    const target = `target ${formatDuration(rpoMs)}${graceMs ? ` + ${formatDuration(graceMs)} grace` : ''}`;
    if (age < -CLOCK_SKEW_TOLERANCE_MS) {
      // A time from the future proves nothing about how recent the data is (a wrong clock, a forged manifest).
      newest = { ...newestUsable!, problem: `backup time is in the future (${formatDuration(-age)} ahead, over the ${formatDuration(CLOCK_SKEW_TOLERANCE_MS)} clock-skew tolerance)` };
      newestUsable = undefined;
      status = 'failing';
      reason = `newest backup ${first.backup.name}: ${newest.problem}`;
    } else if (age > rpoMs + graceMs) {
      status = 'stale';
      reason = `newest usable backup is ${formatDuration(age)} old, over ${target}`;
    } else {
      status = 'fresh';
      reason = `${formatDuration(Math.max(0, age))} old, within ${target}`;
    }
  }
  const result: FreshnessResult = {
    resource: input.resource.id,
    kind: input.resource.kind,
    region: input.resource.region,
    status,
    reason,
    rpoMs,
    graceMs,
    backups: input.total,
    checkedAt: now.toISOString(),
  };
  if (newestUsable) result.newestUsable = newestUsable;
  if (newest) result.newest = newest;
  return result;
}
