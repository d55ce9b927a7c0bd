import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { alertChannels, type Notification } from '../../../alerts/index.js';
import { loadConfig } from '../../../config/index.js';
import { LifeboatError } from '../../../domain/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { jsonText } from '../../json-error.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';

export const alertsTest = defineCommand({
  path: ['alerts', 'test'],
  description: "send a test notification through a route now and print the receiver's answer; exit 0 delivered, 1 not",
  arguments: [{ name: '<route>', description: 'an alert route of the estate' }],
  options: [JSON_OPTION()],
  schema: z.object({ route: z.string(), json: flag }),
  run: (ctx, o) => alertsTestCommand(ctx, o),
});

async function alertsTestCommand(ctx: CliContext, opts: { route: string; json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const routes = Object.keys(config.estate.alertRoutes ?? {});
  if (!routes.includes(opts.route)) throw new LifeboatError('USAGE', `unknown alert route ${opts.route}: ${routes.length ? `expected one of ${routes.join(', ')}` : 'the estate has no alertRoutes'}`);
  const channel = (await alertChannels(config, ctx.env))(opts.route)!;
  const now = ctx.clock.now();
  const n: Notification = {
    id: `test-${randomUUID()}`,
    route: opts.route,
    test: true,
    createdAt: now.toISOString(),
    state: 'sending',
    notBefore: now.toISOString(),
    attempts: 1,
    alerts: [
      {
        fingerprint: 'test:lifeboat',
        status: 'firing',
        reason: 'firing',
        rule: 'test',
        subject: 'lifeboat',
        severity: 'info',
        summary: `test notification from lifeboat to route ${opts.route}: if you read this, the route works`,
        details: { what: 'lifeboat alerts test', since: now.toISOString() },
        labels: { rule: 'test', subject: 'lifeboat' },
        startsAt: now.toISOString(),
      },
    ],
  };
  const r = await channel.send(n, { now, signal: ctx.signal });
  if (opts.json) ctx.out(jsonText({ route: opts.route, kind: channel.kind, delivered: r.ok, answer: r.ok ? r.answer : null, error: r.ok ? null : r.error, retryable: r.ok ? null : r.retry }));
  else ctx.out(r.ok ? `delivered to ${opts.route} (${channel.kind}): ${r.answer}` : `NOT delivered to ${opts.route} (${channel.kind}): ${r.error}${r.retry ? ' (a retry might work)' : ''}`);
  return r.ok ? EXIT.ok : EXIT.targetFailed;
}
