import type { Drill } from '../config/index.js';
import type { RunStore } from './run-store.js';

const DAY = 86_400_000;
const PERIOD_MS = { monthly: 31 * DAY, quarterly: 92 * DAY } as const;

/** Drills whose cadence says they should have run by now and have not: never run, or last run too long ago. */
export async function overdueDrills(drills: Iterable<Drill>, runs: RunStore, now: Date): Promise<Drill[]> {
  const out: Drill[] = [];
  for (const d of drills) {
    if (typeof d.cadence !== 'string') continue;
    const last = (await runs.list({ drill: d.name })).filter((r) => r.phase !== 'running').at(-1);
    if (!last || now.getTime() - new Date(last.startedAt).getTime() > PERIOD_MS[d.cadence]) out.push(d);
  }
  return out;
}
