import type { NotifiedAlert } from '../types.js';
import { detailLines } from '../render.js';
import { post } from './http.js';
import type { Channel } from './types.js';

/** One alert as Alertmanager's API v2 takes it: labels to route and group on, annotations to show, endsAt once resolved. */
export function alertmanagerAlert(a: NotifiedAlert, now: Date, resendMs: number) {
  const labels: Record<string, string> = { alertname: a.rule, severity: a.severity, subject: a.subject, source: 'lifeboat' };
  for (const k of ['resource', 'region', 'drill', 'owner'] as const) if (a.labels[k]) labels[k] = a.labels[k]!;
  const annotations: Record<string, string> = { summary: a.summary, description: detailLines(a).join('\n') };
  if (typeof a.details.runbook === 'string') annotations.runbook_url = a.details.runbook;
  // A firing alert ends by itself unless told again: four resends from now, as Prometheus does, so a lifeboat that stopped does not leave it firing for ever.
  const endsAt = a.status === 'resolved' ? (a.endsAt ?? now.toISOString()) : new Date(now.getTime() + 4 * resendMs).toISOString();
  return { labels, annotations, startsAt: a.startsAt, endsAt };
}

/**
 * Alertmanager API v2 (POST /api/v2/alerts): teams that route through Alertmanager keep their routing, silences and inhibitions.
 * Alertmanager dedups what reaches people, so the route repeats often (default 1m) to keep its alerts alive.
 */
export function alertmanagerChannel(o: { url: string; resendMs: number }): Channel {
  const endpoint = `${o.url.replace(/\/$/, '')}/api/v2/alerts`;
  return {
    kind: 'alertmanager',
    send(n, ctx) {
      return post(endpoint, JSON.stringify(n.alerts.map((a) => alertmanagerAlert(a, ctx.now, o.resendMs))), {}, ctx);
    },
  };
}
