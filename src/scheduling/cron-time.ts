import cron from 'node-cron';
import { wallTimeToUtc } from '../domain/index.js';

type Fields = ReturnType<typeof cron.parse>;

const wallParts = (ms: number, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { y: get('year'), m: get('month'), d: get('day') };
};

/**
 * When a schedule fires, one meaning for every mode: day-of-month AND day-of-week must
 * both match (node-cron's reading; classic cron ORs them). "0 3 1-7 * 6" is the first
 * Saturday of the month, "0 9 1-7 1,4,7,10 1" the first Monday of each quarter. The
 * embedded scheduler (node-cron) reads patterns this way itself; the BullMQ scheduler
 * is given this function as its repeat strategy, so both fire at the same instants.
 */
export function nextFireTime(pattern: string, timeZone: string, afterMs: number): number | undefined {
  const f: Fields = cron.parse(pattern);
  const seconds = [...f.second].sort((a, b) => a - b);
  const minutes = [...f.minute].sort((a, b) => a - b);
  const hours = [...f.hour].sort((a, b) => a - b);
  const start = wallParts(afterMs, timeZone);
  // Five years is past any pattern that can fire at all (29 February on a Monday fits).
  for (let i = 0; i < 366 * 5 + 2; i++) {
    const day = new Date(Date.UTC(start.y, start.m - 1, start.d + i));
    const y = day.getUTCFullYear();
    const m = day.getUTCMonth() + 1;
    const d = day.getUTCDate();
    if (!f.month.includes(m)) continue;
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    if (!f.dayOfMonth.some((x) => (x === 'L' ? d === last : Number(x) === d))) continue;
    if (!f.dayOfWeek.some((x) => Number(x) % 7 === day.getUTCDay())) continue;
    for (const h of hours) {
      for (const mi of minutes) {
        for (const s of seconds) {
          const wall = Date.UTC(y, m - 1, d, h, mi, s);
          const at = wallTimeToUtc(wall, timeZone).getTime();
          // A wall time skipped by a DST change does not exist: no slot.
          if (at > afterMs && wallParts(at, timeZone).d === d) return at;
        }
      }
    }
  }
  return undefined;
}

export function nextFireTimes(pattern: string, timeZone: string, after: Date, count: number): Date[] {
  const out: Date[] = [];
  let cursor = after.getTime();
  while (out.length < count) {
    const next = nextFireTime(pattern, timeZone, cursor);
    if (next === undefined) break;
    out.push(new Date(next));
    cursor = next;
  }
  return out;
}
