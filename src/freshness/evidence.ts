import { event, type EventRecorder, type LifeboatEvent } from '../events/index.js';
import { STATUS_RANK, subjectOf, type FreshnessResult, type FreshnessStatus } from './types.js';

/** What is remembered per resource between sweeps to decide what is worth a ledger record. */
export interface ResourceState {
  status: FreshnessStatus;
  since: string;
  day: DayTally;
  /** The latest sweep's reason and time, for alerts: the status can stay while its reason changes (a backup ages). */
  reason?: string;
  checkedAt?: string;
  /** The newest usable backup's (or copy's) time at the latest sweep, for metrics: age is now minus this. */
  newestUsableAt?: string;
}

interface DayTally {
  /** UTC date, YYYY-MM-DD. */
  date: string;
  checks: number;
  byStatus: Partial<Record<FreshnessStatus, number>>;
  worst: FreshnessStatus;
  maxAgeMs?: number;
}

export type FreshnessState = Record<string, ResourceState>;

/**
 * Pure: folds one sweep's results into the state and returns the records to write, a
 * status change when there is one and one summary per resource for each finished day.
 */
export function evidenceFor(state: FreshnessState, results: readonly FreshnessResult[]): { state: FreshnessState; entries: LifeboatEvent[] } {
  const next: FreshnessState = { ...state };
  const entries: LifeboatEvent[] = [];
  for (const r of results) {
    const subject = subjectOf(r);
    const today = r.checkedAt.slice(0, 10);
    let s = next[subject] ? { ...next[subject]!, day: { ...next[subject]!.day } } : undefined;
    if (s && s.day.date !== today) {
      entries.push(event('freshness.daily-summary', subject, { ...s.day, statusAtEnd: s.status }));
      s.day = newDay(today, s.status);
    }
    if (!s || s.status !== r.status) {
      entries.push(
        event(r.kind === 'copy' ? 'copy.status-changed' : 'freshness.status-changed', subject, {
          from: s?.status ?? null,
          to: r.status,
          reason: r.reason,
          newestUsable: r.newestUsable ?? null,
          newest: r.newest ?? null,
          rpoMs: r.rpoMs,
          graceMs: r.graceMs,
          checkedAt: r.checkedAt,
        }),
      );
      s = { status: r.status, since: r.checkedAt, day: s?.day ?? newDay(today, r.status) };
    }
    s.day.checks++;
    s.day.byStatus[r.status] = (s.day.byStatus[r.status] ?? 0) + 1;
    if (STATUS_RANK[r.status] > STATUS_RANK[s.day.worst]) s.day.worst = r.status;
    if (r.newestUsable) s.day.maxAgeMs = Math.max(s.day.maxAgeMs ?? 0, r.newestUsable.ageMs);
    s.reason = r.reason;
    s.checkedAt = r.checkedAt;
    if (r.newestUsable) s.newestUsableAt = r.newestUsable.time;
    else delete s.newestUsableAt;
    next[subject] = s;
  }
  return { state: next, entries };
}

function newDay(date: string, status: FreshnessStatus): DayTally {
  return { date, checks: 0, byStatus: {}, worst: status };
}

/**
 * The per-resource freshness state between sweeps. `update` runs its function under the
 * store's lock, so two processes sweeping at once do not both record the same change.
 * Implementations live in the state store.
 */
export interface FreshnessStateStore {
  read(): Promise<FreshnessState>;
  update<T>(fn: (state: FreshnessState) => Promise<{ state: FreshnessState; value: T }>): Promise<T>;
}

/** Writes a sweep's evidence: the state and the ledger move together under the store's lock. */
export async function recordFreshness(results: readonly FreshnessResult[], deps: { events: EventRecorder; freshness: FreshnessStateStore }): Promise<LifeboatEvent[]> {
  return deps.freshness.update(async (state) => {
    const { state: next, entries } = evidenceFor(state, results);
    await deps.events.recordMany(entries);
    return { state: next, value: entries };
  });
}
