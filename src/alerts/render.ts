import type { Notification, NotifiedAlert } from './types.js';

const NOUN: Record<string, [string, string]> = {
  'backup-stale': ['backup stale', 'backups stale'],
  'backup-missing': ['backup missing', 'backups missing'],
  'backup-failing': ['backup failing', 'backups failing'],
  'backup-unknown': ['backup unknown', 'backups unknown'],
  'copy-lag': ['copy lagging', 'copies lagging'],
  'copy-verify-failed': ['copy changed', 'copies changed'],
  'drill-failed': ['drill failed', 'drills failed'],
  'drill-partially-failed': ['drill partially failed', 'drills partially failed'],
  'drill-target-missed': ['drill missed a target', 'drills missed a target'],
  'drill-overdue': ['drill overdue', 'drills overdue'],
  'drill-could-not-start': ['drill could not start', 'drills could not start'],
};

/** "3 backups stale for team-shop", "RESOLVED: drill failed: shop-monthly", "2 alerts for sre-oncall": one line for a message. */
export function titleOf(n: Pick<Notification, 'alerts' | 'route'>): string {
  const firing = n.alerts.filter((a) => a.status === 'firing');
  const shown = firing.length ? firing : n.alerts;
  const prefix = firing.length ? '' : 'RESOLVED: ';
  const rules = new Set(shown.map((a) => a.rule));
  const owners = new Set(shown.map((a) => a.labels.owner ?? ''));
  const whose = owners.size === 1 && [...owners][0] ? [...owners][0]! : n.route;
  if (shown.length === 1) return `${prefix}${shown[0]!.summary}`;
  const noun = rules.size === 1 ? NOUN[[...rules][0]!] : undefined;
  const what = noun ? `${shown.length} ${noun[1]}` : `${shown.length} alerts`;
  const tail = firing.length && firing.length < n.alerts.length ? ` (${n.alerts.length - firing.length} resolved)` : '';
  return `${prefix}${what} for ${whose}${tail}`;
}

/** The detail lines of one alert, in the order its rule gave them; empty values left out. */
export function detailLines(a: NotifiedAlert): string[] {
  return Object.entries(a.details)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}: ${v}`);
}

export const statusWord = (a: NotifiedAlert) => (a.status === 'resolved' ? 'RESOLVED' : a.severity.toUpperCase());

/** Plain text: the title, then per alert its status, summary and details. */
export function plainText(n: Pick<Notification, 'alerts' | 'route'>): string {
  return [titleOf(n), '', ...n.alerts.flatMap((a) => [`[${statusWord(a)}] ${a.summary}`, ...detailLines(a).map((l) => `  ${l}`), ''])].join('\n').trimEnd();
}

/** Markdown for robots (WeCom, DingTalk, Slack's mrkdwn is close enough to take it with small changes). */
export function markdown(n: Pick<Notification, 'alerts' | 'route'>): string {
  return [`**${titleOf(n)}**`, '', ...n.alerts.flatMap((a) => [`**[${statusWord(a)}]** ${a.summary}`, ...detailLines(a).map((l) => `> ${l}`), ''])].join('\n').trimEnd();
}

/** Cuts text to `max` bytes of UTF-8 on a character boundary, ending with `tail` (a link to the rest), never failing on length. */
export function truncateBytes(text: string, max: number, tail: string): string {
  const enc = new TextEncoder();
  if (enc.encode(text).length <= max) return text;
  const budget = max - enc.encode(tail).length;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = enc.encode(ch).length;
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out + tail;
}
