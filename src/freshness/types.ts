import type { TimeSource } from '../providers/index.js';

export type FreshnessStatus = 'fresh' | 'stale' | 'missing' | 'failing' | 'unknown';

/** Ordered from best to worst, so a summary can report the worst status of a day. */
export const STATUS_RANK: Record<FreshnessStatus, number> = { fresh: 0, stale: 1, failing: 2, missing: 3, unknown: 4 };

export interface BackupSummary {
  name: string;
  region: string;
  time: string;
  timeSource: TimeSource;
  ageMs: number;
  size: number;
}

/** What `lifeboat check --json` prints per resource (documented in the README). */
export interface FreshnessResult {
  resource: string;
  kind: string;
  region: string;
  status: FreshnessStatus;
  /** One line a person can act on: why this status. */
  reason: string;
  newestUsable?: BackupSummary;
  /** The newest backup of any kind, when it is not the newest usable one. */
  newest?: BackupSummary & { problem: string };
  rpoMs: number;
  graceMs: number;
  backups: number;
  checkedAt: string;
  /** For copy-lag rows (kind copy): the policy; region is then the destination. */
  policy?: string;
}

/** The ledger subject and state key of a result: a resource, or a resource's copies in one region. */
export function subjectOf(r: Pick<FreshnessResult, 'resource' | 'kind' | 'region'>): string {
  return r.kind === 'copy' ? `${r.resource}@${r.region}` : r.resource;
}
