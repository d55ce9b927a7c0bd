import type { Drill } from '../config/index.js';
import type { DrillRun, RunStore } from '../drills/index.js';
import { describeCadence, dueSlot } from './cadence.js';

/** Where a drill with a cadence stands: when it was last due, when it last passed, whether it is overdue. */
export interface CadenceState {
  drill: string;
  cadence: string;
  /** The slot a passed run must have started at or after; null when the cron pattern has not fired in five years. */
  dueSince: string | null;
  lastPassed: string | null;
  lastRun: { runId: string; phase: DrillRun['phase']; startedAt: string; score: number | null } | null;
  overdue: boolean;
}

/**
 * Calendar semantics: a monthly drill is overdue once the current month (in its time zone) has
 * begun and its grace has run out with no passed run started since; quarterly and cron likewise.
 * Only passed runs count: a failed or inconclusive drill has not shown the backup restores.
 */
export async function cadenceStates(drills: Iterable<Drill>, runs: RunStore, now: Date): Promise<CadenceState[]> {
  const out: CadenceState[] = [];
  for (const d of drills) {
    if (!d.cadence) continue;
    const all = await runs.list({ drill: d.name });
    const lastPassed = all.filter((r) => r.phase === 'passed').at(-1);
    const last = all.at(-1);
    const due = dueSlot(d.cadence, now);
    out.push({
      drill: d.name,
      cadence: describeCadence(d.cadence),
      dueSince: due?.toISOString() ?? null,
      lastPassed: lastPassed?.startedAt ?? null,
      lastRun: last ? { runId: last.runId, phase: last.phase, startedAt: last.startedAt, score: last.score?.score ?? null } : null,
      overdue: !!due && !(lastPassed && Date.parse(lastPassed.startedAt) >= due.getTime()),
    });
  }
  return out;
}

/** Drills whose cadence says they should have passed by now and have not. */
export async function overdueDrills(drills: Iterable<Drill>, runs: RunStore, now: Date): Promise<Drill[]> {
  const list = [...drills];
  const overdue = new Set((await cadenceStates(list, runs, now)).filter((s) => s.overdue).map((s) => s.drill));
  return list.filter((d) => overdue.has(d.name));
}
