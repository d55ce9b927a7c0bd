import { z } from 'zod';
import { durationField, durationSchema } from '../duration.js';
import { idSchema, secretRefSchema } from './common.js';

/** The built-in rule ids (src/alerts/rules.ts holds what each watches; a test keeps the two lists equal). */
export const ALERT_RULE_IDS = [
  'backup-stale',
  'backup-missing',
  'backup-failing',
  'backup-unknown',
  'copy-lag',
  'copy-verify-failed',
  'drill-failed',
  'drill-partially-failed',
  'drill-target-missed',
  'drill-overdue',
  'drill-could-not-start',
  'ledger-verify-failed',
  'sandbox-orphans',
  'scrub-rot',
  'delivery-failures',
] as const;

/** Where alerts are posted: http or https only (a data: or file: URL would "deliver" to nobody), and no credentials in it (they would show in errors). */
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).refine(
  (u) => {
    const parsed = new URL(u);
    return !parsed.username && !parsed.password;
  },
  { error: "expected a URL without user:password@: give credentials as the route's token or secret" },
);

export const severitySchema = z.enum(['critical', 'warning', 'info']);
const ruleIdSchema = z.enum(ALERT_RULE_IDS, { error: `expected a rule: ${ALERT_RULE_IDS.join(', ')}` });

const routeCommon = {
  description: z.string().optional(),
  repeat: durationSchema.optional().meta({ description: 'Tell again of an alert still firing this often (default 4h; 1m for alertmanager, which forgets an alert not told again).' }),
  groupWait: durationField({ allowZero: true }).optional().meta({ description: 'Alerts that fire within this long of the first go out as one message (default 30s).' }),
};

export const alertRouteSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('webhook'),
    url: httpUrl,
    secret: secretRefSchema.optional().meta({ description: 'Signs each message: X-Lifeboat-Signature is sha256=HMAC-SHA256(secret, "<X-Lifeboat-Timestamp>.<body>").' }),
    token: secretRefSchema.optional().meta({ description: 'Sent as Authorization: Bearer <token>.' }),
    ...routeCommon,
  }),
  z.strictObject({ kind: z.literal('wecom'), key: secretRefSchema, url: httpUrl.optional().meta({ description: "Another endpoint than WeCom's (a proxy)." }), ...routeCommon }),
  z.strictObject({
    kind: z.literal('dingtalk'),
    accessToken: secretRefSchema,
    secret: secretRefSchema.meta({ description: "The robot's signing secret (SEC…): every message's URL is signed with it." }),
    url: httpUrl.optional().meta({ description: "Another endpoint than DingTalk's (a proxy)." }),
    ...routeCommon,
  }),
  z.strictObject({ kind: z.literal('slack'), webhookUrl: secretRefSchema, ...routeCommon }),
  z.strictObject({ kind: z.literal('pagerduty'), routingKey: secretRefSchema, url: httpUrl.optional().meta({ description: 'Another endpoint than PagerDuty Events v2 (a proxy).' }), ...routeCommon }),
  z.strictObject({
    kind: z.literal('email'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    secure: z.boolean().default(false).meta({ description: 'TLS from the start (port 465); otherwise STARTTLS when offered.' }),
    requireTLS: z.boolean().default(true).meta({ description: 'Refuse to send unless the connection is upgraded to TLS (STARTTLS).' }),
    user: z.string().optional(),
    password: secretRefSchema.optional(),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
    ...routeCommon,
  }),
  z.strictObject({ kind: z.literal('alertmanager'), url: httpUrl.meta({ description: 'Alertmanager base URL, e.g. http://alertmanager:9093' }), ...routeCommon }),
]);
export type AlertRoute = z.output<typeof alertRouteSchema>;

/** A planned backup outage: the resource's freshness alerts are muted inside it, and the window is ledgered when it opens. */
export const maintenanceWindowSchema = z
  .strictObject({
    from: z.iso.datetime({ offset: true, error: 'expected an ISO time such as 2026-12-05T01:00:00Z' }),
    to: z.iso.datetime({ offset: true, error: 'expected an ISO time such as 2026-12-05T05:00:00Z' }),
    reason: z.string().min(1),
  })
  .refine((w) => Date.parse(w.to) > Date.parse(w.from), { error: 'expected to after from', path: ['to'] });

/** Per-resource alerting: which route, and severities that differ from the rules'. */
export const resourceAlertingShape = {
  alertRoute: idSchema.optional().meta({ description: 'The alert route told about this resource (and its drills and copies, unless they name their own).' }),
  alertSeverity: z.partialRecord(ruleIdSchema, severitySchema).optional().meta({ description: 'Severity per rule for this resource, e.g. { backup-stale: warning }.' }),
  maintenance: z.array(maintenanceWindowSchema).optional().meta({ description: 'Planned backup outages: freshness alerts are muted inside each window.' }),
};

/** The estate's `alerts:` section. */
export const alertsSchema = z
  .strictObject({
    evaluateEvery: durationSchema.optional().meta({ description: 'How often rules are evaluated besides after every change (default 30s).' }),
    route: idSchema.optional().meta({ description: 'Route for alerts about lifeboat itself and the estate as a whole (ledger, scrub, sweep).' }),
    deliveryFailureRoute: idSchema.optional().meta({ description: 'Where dead letters of another route are told (never the failing route itself).' }),
    runbookUrl: httpUrl.optional().meta({ description: 'Base of the runbook links: each alert links <runbookUrl>#<rule>.' }),
    maxAttempts: z.number().int().min(1).max(50).optional().meta({ description: 'Delivery attempts before a message is dead-lettered (default 8).' }),
    rules: z
      .partialRecord(ruleIdSchema, z.strictObject({ severity: severitySchema.optional(), for: durationField({ allowZero: true }).optional() }))
      .optional()
      .meta({ description: "Per rule: its severity and how long its condition must hold before it fires ('for')." }),
  })
  .optional();
