import { z } from 'zod';
import { quote } from './config-error.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION_RE = /^(?:\d+[smhdw])+$/;
const PART_RE = /(\d+)([smhdw])/g;

export const DURATION_HINT = 'a duration like 90s, 15m, 24h, 35d or 1h30m';

/** Parses SRE-style durations ("90s", "24h", "1h30m") to milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION_RE.test(trimmed)) return undefined;
  let total = 0;
  for (const [, n, unit] of trimmed.matchAll(PART_RE)) total += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return total;
}

/** Renders milliseconds back in the same style, largest units first ("1d2h", "45s", "0s"). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(ms) / 1000) * 1000;
  if (rest === 0) return Math.abs(ms) < 1000 && ms !== 0 ? `${sign}${Math.abs(Math.round(ms))}ms` : '0s';
  const parts: string[] = [];
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return sign + parts.slice(0, 2).join('');
}

/** The longest duration any field takes: beyond a century a value is a typo, not a target. */
export const MAX_DURATION_MS = 36_525 * UNIT_MS.d;
/** Node timers fire at once past this (2^31-1 ms, about 24.8 days): the cap of anything lifeboat waits for with a timer. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface DurationBounds {
  /** 0s means something here (no grace, no catching up); elsewhere a zero duration is a mistake. */
  allowZero?: boolean;
  /** Upper bound in ms (default MAX_DURATION_MS) and how to say it. */
  max?: { ms: number; text: string };
}

const CENTURY = { ms: MAX_DURATION_MS, text: '100 years (36525d)' };

/** A duration field: written as text in YAML, a number of milliseconds once loaded, within bounds. */
export function durationField(bounds: DurationBounds = {}) {
  const max = bounds.max ?? CENTURY;
  return z
    .string({ error: `expected ${DURATION_HINT}` })
    .regex(DURATION_RE, { error: (iss) => `expected ${DURATION_HINT}, got ${quote(iss.input)}` })
    .superRefine((text, ctx) => {
      const ms = parseDuration(text);
      // Malformed text was reported by the regex above.
      if (ms === undefined) return;
      if (!(ms <= max.ms)) ctx.addIssue({ code: 'custom', message: `expected at most ${max.text}, got ${quote(text)}` });
      else if (ms === 0 && !bounds.allowZero) ctx.addIssue({ code: 'custom', message: `expected a duration above 0s, got ${quote(text)}` });
    })
    .transform((text) => parseDuration(text) as number)
    .meta({ description: `Duration: ${DURATION_HINT}` });
}

/** The usual duration field: above 0s, at most a century. */
export const durationSchema = durationField();
