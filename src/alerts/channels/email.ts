import nodemailer from 'nodemailer';
import { detailLines, plainText, statusWord, titleOf } from '../render.js';
import type { SendResult } from '../outbox.js';
import type { Notification } from '../types.js';
import { SEND_TIMEOUT_MS } from './http.js';
import type { Channel } from './types.js';

export interface EmailOptions {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it, or always with requireTLS. */
  secure: boolean;
  requireTLS: boolean;
  user?: string;
  password?: string;
  from: string;
  to: string[];
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function emailHtml(n: Pick<Notification, 'alerts' | 'route'>): string {
  const alerts = n.alerts
    .map(
      (a) =>
        `<li><b>[${statusWord(a)}]</b> ${escapeHtml(a.summary)}<ul>${detailLines(a)
          .map((l) => `<li>${escapeHtml(l)}</li>`)
          .join('')}</ul></li>`,
    )
    .join('');
  return `<!doctype html><html><body><h2>${escapeHtml(titleOf(n))}</h2><ul>${alerts}</ul></body></html>`;
}

/** SMTP's answer read like HTTP's: 4xx and network trouble are worth another try, 5xx and a refused login are not. */
function resultOf(err: unknown, redact: (s: string) => string): SendResult {
  const e = err as Error & { responseCode?: number; code?: string };
  const why = redact(`${e.code ? `${e.code}: ` : ''}${e.message}`);
  if (e.responseCode !== undefined) return { ok: false, retry: e.responseCode < 500, error: why };
  return { ok: false, retry: e.code !== 'EAUTH' && e.code !== 'EENVELOPE', error: why };
}

/** Email over SMTP (nodemailer): plain text and HTML, the message id and the server's answer kept. */
export function emailChannel(o: EmailOptions): Channel {
  const redact = (s: string) => (o.password ? s.split(o.password).join('[redacted]') : s);
  return {
    kind: 'email',
    async send(n, ctx) {
      const timeout = ctx.timeoutMs ?? SEND_TIMEOUT_MS;
      // A transport per message: alerts are rare, and a pooled connection would outlive a test's server or a DNS change.
      const transport = nodemailer.createTransport({
        host: o.host,
        port: o.port,
        secure: o.secure,
        requireTLS: o.requireTLS,
        auth: o.user ? { user: o.user, pass: o.password ?? '' } : undefined,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      });
      try {
        const info = await transport.sendMail({ from: o.from, to: o.to, subject: titleOf(n), text: plainText(n), html: emailHtml(n), headers: { 'X-Lifeboat-Delivery': n.id } });
        return { ok: true, answer: redact(`${info.response} (${info.messageId})`) };
      } catch (err) {
        return resultOf(err, redact);
      } finally {
        transport.close();
      }
    },
  };
}
