import { z } from 'zod';

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

/** A duration field: written as text in YAML, a number of milliseconds once loaded. */
export const durationSchema = z
  .string({ error: `expected ${DURATION_HINT}` })
  .regex(DURATION_RE, { error: (iss) => `expected ${DURATION_HINT}, got ${JSON.stringify(iss.input)}` })
  .transform((text) => parseDuration(text) as number)
  .meta({ description: `Duration: ${DURATION_HINT}` });
