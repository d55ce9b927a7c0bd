import { createHmac } from 'node:crypto';
import type { WebhookPayload } from '../payload.js';
import { plainText, titleOf } from '../render.js';
import type { Notification } from '../types.js';
import { post } from './http.js';
import type { Channel } from './types.js';

export const SIGNATURE_HEADER = 'x-lifeboat-signature';
export const TIMESTAMP_HEADER = 'x-lifeboat-timestamp';

/** HMAC-SHA256 over "<timestamp>.<body>": the timestamp is signed too, so an old message cannot be replayed as new. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookPayload(n: Notification, now: Date): WebhookPayload {
  return {
    version: '1',
    id: n.id,
    route: n.route,
    status: n.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    title: titleOf(n),
    text: plainText(n),
    alerts: n.alerts.map(({ fingerprint, status, reason, rule, subject, severity, summary, details, labels, startsAt, endsAt }) => ({
      fingerprint,
      status,
      reason,
      rule,
      subject,
      severity,
      summary,
      details,
      labels,
      startsAt,
      ...(endsAt ? { endsAt } : {}),
    })),
    sentAt: now.toISOString(),
    ...(n.test ? { test: true } : {}),
  };
}

/** The generic webhook: the documented JSON body, signed with the route's secret, a bearer token if one is set. */
export function webhookChannel(o: { url: string; secret?: string; token?: string }): Channel {
  const redact = (s: string) => [o.secret, o.token].reduce<string>((t, v) => (v ? t.split(v).join('[redacted]') : t), s);
  return {
    kind: 'webhook',
    async send(n, ctx) {
      const body = JSON.stringify(webhookPayload(n, ctx.now));
      const timestamp = String(Math.floor(ctx.now.getTime() / 1000));
      const headers: Record<string, string> = { 'x-lifeboat-delivery': n.id, [TIMESTAMP_HEADER]: timestamp };
      if (o.secret) headers[SIGNATURE_HEADER] = signWebhook(o.secret, timestamp, body);
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      return post(o.url, body, headers, { ...ctx, redact });
    },
  };
}
