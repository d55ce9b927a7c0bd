import { z } from 'zod';
import { alertBookOver, type AlertBook } from '../../../alerts/index.js';
import { loadConfig } from '../../../config/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { jsonText } from '../../json-error.js';
import { renderTable } from '../../output.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';

export const alertsList = defineCommand({
  path: ['alerts', 'list'],
  description: 'alerts firing or pending, with their silences, and messages not delivered (dead letters); exit 1 while any fires',
  isDefault: true,
  options: [JSON_OPTION()],
  schema: z.object({ json: flag }),
  run: (ctx, o) => alertsListCommand(ctx, o),
});

async function alertsListCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const state = await ctx.openState(config);
  const book = await alertBookOver(state.alerts)
    .read()
    .finally(() => state.close());
  const view = viewOf(book);
  if (opts.json) ctx.out(jsonText(view));
  else ctx.out(render(view));
  return view.alerts.some((a) => a.status === 'firing' && !a.silencedBy) ? EXIT.targetFailed : EXIT.ok;
}

function viewOf(book: AlertBook) {
  const alerts = Object.values(book.alerts)
    .sort((a, b) => (a.status === b.status ? a.fingerprint.localeCompare(b.fingerprint) : a.status === 'firing' ? -1 : 1))
    .map((a) => ({
      fingerprint: a.fingerprint,
      status: a.status,
      severity: a.condition.severity,
      rule: a.condition.rule,
      subject: a.condition.subject,
      summary: a.condition.summary,
      since: a.condition.since,
      route: a.condition.route ?? null,
      notifications: a.notifications,
      lastNotifiedAt: a.lastNotifiedAt ?? null,
      silencedBy: a.silencedBy ?? null,
    }));
  const messages = Object.values(book.outbox).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const undelivered = messages
    .filter((n) => n.state !== 'delivered')
    .map((n) => ({ id: n.id, route: n.route, state: n.state, alerts: n.alerts.length, attempts: n.attempts, createdAt: n.createdAt, nextAttempt: n.state === 'pending' ? n.notBefore : null, lastError: n.lastError ?? null }));
  return { alerts, undelivered, delivered: messages.filter((n) => n.state === 'delivered').length };
}

function render(v: ReturnType<typeof viewOf>): string {
  const out: string[] = [];
  out.push(
    v.alerts.length
      ? renderTable(
          ['STATUS', 'SEVERITY', 'RULE', 'SUBJECT', 'SINCE', 'ROUTE', 'SUMMARY'],
          v.alerts.map((a) => [a.silencedBy ? `${a.status} (silenced)` : a.status, a.severity, a.rule, a.subject, a.since, a.route ?? '-', a.summary]),
        )
      : 'no alerts firing',
  );
  const dead = v.undelivered.filter((n) => n.state === 'dead');
  if (dead.length) out.push('', `DEAD LETTERS (${dead.length}): messages given up on after retries`, ...dead.map((n) => `  ${n.route}: ${n.alerts} alert(s), ${n.attempts} attempt(s), created ${n.createdAt}: ${n.lastError}`));
  const waiting = v.undelivered.filter((n) => n.state !== 'dead');
  if (waiting.length)
    out.push('', `waiting to be delivered: ${waiting.length}`, ...waiting.map((n) => `  ${n.route}: ${n.alerts} alert(s), attempt ${n.attempts}${n.nextAttempt ? `, next ${n.nextAttempt}` : ''}${n.lastError ? `: ${n.lastError}` : ''}`));
  return out.join('\n');
}
