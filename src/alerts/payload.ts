import { z } from 'zod';

const detailValue = z.union([z.string(), z.number(), z.null()]);

/** One alert as every channel's message is built from it, and as the generic webhook sends it. */
export const notifiedAlertSchema = z
  .strictObject({
    fingerprint: z.string().meta({ description: 'rule:subject: the same for every message about this alert (a dedup key).' }),
    status: z.enum(['firing', 'resolved']),
    reason: z.enum(['firing', 'repeat', 'resolved']).meta({ description: 'Why it is in this message: first firing, a repeat while it still fires, or its resolve.' }),
    rule: z.string(),
    subject: z.string().meta({ description: 'What it is about: a resource id, resource@region, a drill name, a route.' }),
    severity: z.enum(['critical', 'warning', 'info']),
    summary: z.string(),
    details: z.record(z.string(), detailValue).meta({ description: 'what, since, target, evidence (run id, ledger record), runbook: in the order the rule gives them.' }),
    labels: z.strictObject({ rule: z.string(), subject: z.string(), resource: z.string().optional(), region: z.string().optional(), drill: z.string().optional(), owner: z.string().optional() }),
    startsAt: z.string(),
    endsAt: z.string().optional(),
  })
  .meta({ title: 'lifeboat alert' });

/** The body of the generic webhook: signed with X-Lifeboat-Signature (see the README). */
export const webhookPayloadSchema = z
  .strictObject({
    version: z.literal('1'),
    id: z.string().meta({ description: 'The message id: the same on every retry of this message, so a receiver can drop duplicates.' }),
    route: z.string(),
    status: z.enum(['firing', 'resolved']).meta({ description: 'firing when any alert in it fires.' }),
    title: z.string(),
    text: z.string().meta({ description: 'The message as plain text.' }),
    alerts: z.array(notifiedAlertSchema).min(1),
    sentAt: z.string(),
    test: z.boolean().optional().meta({ description: 'true for `lifeboat alerts test`.' }),
  })
  .meta({ title: 'lifeboat webhook payload' });

export type WebhookPayload = z.output<typeof webhookPayloadSchema>;
