import type { Severity } from '../types.js';
import { post } from './http.js';
import type { Channel } from './types.js';

export const PAGERDUTY_URL = 'https://events.pagerduty.com/v2/enqueue';
const SEVERITY: Record<Severity, string> = { critical: 'critical', warning: 'warning', info: 'info' };

/**
 * PagerDuty Events API v2: one event per alert, trigger or resolve, dedup_key the alert's fingerprint,
 * so a retried message re-sends what PagerDuty already folds together.
 */
export function pagerdutyChannel(o: { routingKey: string; url?: string; source?: string }): Channel {
  const redact = (s: string) => s.split(o.routingKey).join('[redacted]');
  return {
    kind: 'pagerduty',
    async send(n, ctx) {
      const answers: string[] = [];
      for (const a of n.alerts) {
        const body =
          a.status === 'resolved'
            ? { routing_key: o.routingKey, event_action: 'resolve', dedup_key: a.fingerprint }
            : {
                routing_key: o.routingKey,
                event_action: 'trigger',
                dedup_key: a.fingerprint,
                payload: {
                  summary: a.summary.slice(0, 1024),
                  source: o.source ?? 'lifeboat',
                  severity: SEVERITY[a.severity],
                  timestamp: a.startsAt,
                  component: a.labels.resource ?? a.labels.drill ?? a.subject,
                  group: a.labels.owner,
                  class: a.rule,
                  custom_details: a.details,
                },
              };
        const r = await post(o.url ?? PAGERDUTY_URL, JSON.stringify(body), {}, { ...ctx, redact });
        if (!r.ok) return r;
        answers.push(r.answer);
      }
      return { ok: true, answer: answers.join('; ') };
    },
  };
}
