import type { AlertLabels, Silence } from './types.js';

/** Whether a silence mutes these labels now: every matcher equal, and now inside its window. */
export function silences(s: Silence, labels: AlertLabels, now: Date): boolean {
  const t = now.getTime();
  if (Date.parse(s.startsAt) > t || Date.parse(s.expiredAt ?? s.endsAt) <= t) return false;
  return Object.entries(s.matchers).every(([k, v]) => labels[k as keyof AlertLabels] === v);
}

/** The silence muting these labels now, if any (the one that ends last, so `alerts` names the one that matters). */
export function silenceFor(all: Iterable<Silence>, labels: AlertLabels, now: Date): Silence | undefined {
  let found: Silence | undefined;
  for (const s of all) if (silences(s, labels, now) && (!found || Date.parse(s.endsAt) > Date.parse(found.endsAt))) found = s;
  return found;
}

export const isActive = (s: Silence, now: Date) => Date.parse(s.startsAt) <= now.getTime() && now.getTime() < Date.parse(s.expiredAt ?? s.endsAt);
