import { DEFAULT_TIME_ZONE, formatDuration, type Drill } from '../config/index.js';
import { wallTimeToUtc } from '../domain/index.js';
import { nextFireTime } from './cron-time.js';

export type DrillCadence = NonNullable<Drill['cadence']>;

/** A cadence in one shape: calendar periods or cron times, read in a time zone, with a grace after each. */
export interface Cadence {
  every: 'monthly' | 'quarterly' | 'cron';
  cron?: string;
  timeZone: string;
  graceMs: number;
}

export function cadenceOf(c: DrillCadence): Cadence {
  if (typeof c === 'string') return { every: c, timeZone: DEFAULT_TIME_ZONE, graceMs: 0 };
  if ('every' in c) return { every: c.every, timeZone: c.timezone, graceMs: c.grace ?? 0 };
  return { every: 'cron', cron: c.cron, timeZone: c.timezone, graceMs: c.grace ?? 0 };
}

/** "monthly", "quarterly (Asia/Shanghai, grace 3d)", "cron 0 3 1 * * (Europe/Berlin)". */
export function describeCadence(c: DrillCadence): string {
  const k = cadenceOf(c);
  const extras = [k.timeZone !== DEFAULT_TIME_ZONE ? k.timeZone : '', k.graceMs ? `grace ${formatDuration(k.graceMs)}` : ''].filter(Boolean);
  return `${k.every === 'cron' ? `cron ${k.cron}` : k.every}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

const wallYearMonth = (ms: number, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric' }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { y: get('year'), m: get('month') };
};

/** The start of the calendar month (or quarter) holding atMs, as clocks in timeZone read it. */
function periodStart(every: 'monthly' | 'quarterly', timeZone: string, atMs: number): number {
  const { y, m } = wallYearMonth(atMs, timeZone);
  const first = every === 'monthly' ? m : m - ((m - 1) % 3);
  const start = wallTimeToUtc(Date.UTC(y, first - 1, 1), timeZone).getTime();
  // atMs is in this period by its wall time, so the period began no later: a DST change at midnight cannot move it past.
  return Math.min(start, atMs);
}

// Looking back in growing windows keeps a frequent pattern cheap; five years is past any pattern that fires at all.
const LOOKBACK_MS = [60_000, 3_600_000, 86_400_000, 8 * 86_400_000, 32 * 86_400_000, 93 * 86_400_000, 367 * 86_400_000, 5 * 366 * 86_400_000];

/** The latest time at or before atMs at which the cron pattern fires in timeZone (the same reading as both schedulers), if any in five years. */
export function previousFireTime(pattern: string, timeZone: string, atMs: number): number | undefined {
  let lo: number | undefined;
  for (const w of LOOKBACK_MS) {
    const next = nextFireTime(pattern, timeZone, atMs - w);
    if (next !== undefined && next <= atMs) {
      lo = atMs - w;
      break;
    }
  }
  if (lo === undefined) return undefined;
  // Invariant: the first slot after lo is at or before atMs, the first after hi is not. Slots are whole seconds,
  // so once the gap is under a second (lo, hi] holds one slot at most, and it is the answer.
  let hi = atMs;
  while (hi - lo >= 1000) {
    const mid = Math.floor((lo + hi) / 2);
    const next = nextFireTime(pattern, timeZone, mid);
    if (next !== undefined && next <= atMs) lo = mid;
    else hi = mid;
  }
  return nextFireTime(pattern, timeZone, lo);
}

/** The latest slot (start of a month, quarter or cron time) at or before atMs. */
export function lastSlot(c: Cadence, atMs: number): number | undefined {
  return c.every === 'cron' ? previousFireTime(c.cron!, c.timeZone, atMs) : periodStart(c.every, c.timeZone, atMs);
}

/**
 * The slot a passed run must have started at or after for the drill not to be overdue at `now`:
 * the latest slot whose grace has run out. During a slot's grace the previous slot still decides.
 */
export function dueSlot(c: DrillCadence, now: Date): Date | undefined {
  const k = cadenceOf(c);
  const slot = lastSlot(k, now.getTime() - k.graceMs);
  return slot === undefined ? undefined : new Date(slot);
}
