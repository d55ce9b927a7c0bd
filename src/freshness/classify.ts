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

/**
 * The freshness rule, in one pure function. A newest backup that is unusable makes the
 * resource failing even when an older one is still within target: the backup job is
 * broken and will go stale next, so on-call should hear now.
 */
export function classify(input: ClassifyInput): FreshnessResult {
  const { now, rpoMs, graceMs, inspected } = input;
  const base = {
    resource: input.resource.id,
    kind: input.resource.kind,
    region: input.resource.region,
    rpoMs,
    graceMs,
    backups: input.total,
    checkedAt: now.toISOString(),
  };
  const summary = (b: BackupRef): BackupSummary => ({
    name: b.name,
    region: b.region,
    time: b.time.toISOString(),
    timeSource: b.timeSource,
    ageMs: now.getTime() - b.time.getTime(),
    size: b.size,
  });
  const result = (status: FreshnessStatus, reason: string, extra: Partial<FreshnessResult> = {}): FreshnessResult => ({ ...base, status, reason, ...extra });

  if (input.total === 0) return result('missing', 'no backup files found');
  const usable = inspected.find((i) => i.verdict.usable);
  const first = inspected[0]!;
  const newestUsable = usable ? summary(usable.backup) : undefined;
  if (!first.verdict.usable) {
    const newest = { ...summary(first.backup), problem: first.verdict.reason ?? 'unusable' };
    const older = newestUsable ? `; newest usable ${newestUsable.name} is ${formatDuration(newestUsable.ageMs)} old` : '; no usable backup';
    return result('failing', `newest backup ${first.backup.name}: ${newest.problem}${older}`, { newest, newestUsable });
  }
  const age = newestUsable!.ageMs;
  const target = `target ${formatDuration(rpoMs)}${graceMs ? ` + ${formatDuration(graceMs)} grace` : ''}`;
  if (age < -5 * 60_000) {
    return result('fresh', `newest backup is dated ${formatDuration(-age)} in the future (clock skew?), ${target}`, { newestUsable });
  }
  if (age > rpoMs + graceMs) return result('stale', `newest usable backup is ${formatDuration(age)} old, over ${target}`, { newestUsable });
  return result('fresh', `${formatDuration(Math.max(0, age))} old, within ${target}`, { newestUsable });
}
