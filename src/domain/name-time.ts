const TOKENS: Record<string, string> = { YYYY: '(\\d{4})', MM: '(\\d{2})', DD: '(\\d{2})', hh: '(\\d{2})', mm: '(\\d{2})', ss: '(\\d{2})' };

/**
 * Reads a time out of a file name with a template such as "{YYYY}{MM}{DD}T{hh}{mm}{ss}Z",
 * found anywhere in the name, as wall time in the given zone.
 */
export function nameTimeParser(template: string, timeZone = 'UTC'): (name: string) => Date | undefined {
  const order: string[] = [];
  const source = template.replace(/\{(\w+)\}|([^{]+)/g, (_m, token: string | undefined, literal: string | undefined) => {
    if (token && TOKENS[token]) {
      order.push(token);
      return TOKENS[token];
    }
    return (literal ?? `{${token}}`).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  const re = new RegExp(source);
  return (name) => {
    const m = re.exec(name);
    if (!m) return undefined;
    const f: Record<string, number> = { YYYY: 1970, MM: 1, DD: 1, hh: 0, mm: 0, ss: 0 };
    order.forEach((tok, i) => (f[tok] = Number(m[i + 1])));
    const { YYYY, MM, DD, hh, mm, ss } = f as Record<'YYYY' | 'MM' | 'DD' | 'hh' | 'mm' | 'ss', number>;
    if (MM < 1 || MM > 12 || DD < 1 || DD > 31 || hh > 23 || mm > 59 || ss > 60) return undefined;
    return wallTimeToUtc(Date.UTC(YYYY, MM - 1, DD, hh, mm, ss), timeZone);
  };
}

/** The instant at which clocks in timeZone show the given wall time (read as if it were UTC). */
export function wallTimeToUtc(wallAsUtcMs: number, timeZone: string): Date {
  if (timeZone === 'UTC') return new Date(wallAsUtcMs);
  // Two passes settle the offset even next to a DST change.
  let guess = wallAsUtcMs;
  for (let i = 0; i < 2; i++) guess = wallAsUtcMs - offsetMs(guess, timeZone);
  return new Date(guess);
}

function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}
