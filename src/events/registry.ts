import { z } from 'zod';

/**
 * Every state change lifeboat makes is one of these events, with its data's shape. The
 * ledger records the evidence ones (`ledgered`); every one is delivered on the bus, where
 * alerts, metrics and the API subscribe instead of polling files.
 */
const status = z.enum(['fresh', 'stale', 'missing', 'failing', 'unknown']);
const place = z.strictObject({ region: z.string(), key: z.string() });
const nullableString = z.string().nullable();

const statusChanged = z.looseObject({
  from: status.nullable(),
  to: status,
  reason: z.string(),
  newestUsable: z.unknown(),
  newest: z.unknown(),
  rpoMs: z.number(),
  graceMs: z.number(),
  checkedAt: z.string(),
});
const copyOutcome = z.looseObject({
  from: place,
  to: place,
  storageClass: nullableString,
  size: z.number(),
  sha256: nullableString,
  durationMs: z.number(),
  verified: z.boolean(),
  resumedFrom: z.number().nullable(),
  problem: nullableString,
});
const drillEnd = z.looseObject({
  drill: z.string(),
  resource: z.string(),
  sandbox: z.string(),
  phase: z.enum(['passed', 'partially-failed', 'failed', 'inconclusive', 'error', 'abandoned']),
  backup: z.unknown(),
  score: z.unknown(),
  phases: z.record(z.string(), z.number()).optional(),
  checks: z.array(z.unknown()),
  error: nullableString,
});
const lease = { lease: z.string(), sandbox: z.string(), database: z.string(), user: nullableString };

export const EVENTS = {
  'freshness.status-changed': { ledgered: true, data: statusChanged },
  'copy.status-changed': { ledgered: true, data: statusChanged },
  'freshness.daily-summary': { ledgered: true, data: z.looseObject({ date: z.string(), checks: z.number(), byStatus: z.record(z.string(), z.number()), worst: status, statusAtEnd: status }) },
  /** Each backup judged by a sweep: too many for the ledger (every backup, every sweep), wanted by metrics. */
  'backup.verdict': { ledgered: false, data: z.strictObject({ resource: z.string(), region: z.string(), name: z.string(), usable: z.boolean(), reason: nullableString, sha256: nullableString }) },
  'copy.completed': { ledgered: true, data: copyOutcome },
  'copy.already-present': { ledgered: true, data: copyOutcome },
  'copy.conflict': { ledgered: true, data: copyOutcome },
  'copy.source-bad': { ledgered: true, data: copyOutcome },
  'copy.verified': { ledgered: true, data: z.strictObject({ region: z.string(), key: z.string(), ok: z.boolean(), problem: nullableString, sha256: z.string() }) },
  'copy.repaired': { ledgered: true, data: z.strictObject({ region: z.string(), key: z.string(), action: z.string() }) },
  'drill.refused': { ledgered: true, data: z.strictObject({ drill: z.string(), resource: z.string(), sandbox: z.string(), reason: z.string() }) },
  'drill.started': { ledgered: true, data: z.looseObject({ drill: z.string(), resource: z.string(), sandbox: z.string(), backup: z.unknown(), targets: z.unknown() }) },
  /** A later attempt of the drill's queue job took its run over, keeping the steps it names (and the sandbox, when alive). */
  'drill.resumed': { ledgered: true, data: z.strictObject({ drill: z.string(), carried: z.array(z.string()), sandbox: nullableString }) },
  /** A drill moved to its next step: the run record keeps the steps, so the ledger does not. */
  'drill.step': { ledgered: false, data: z.strictObject({ drill: z.string(), step: z.string(), at: z.string() }) },
  'drill.finished': { ledgered: true, data: drillEnd },
  'drill.attempt-failed': { ledgered: true, data: drillEnd },
  'drill.superseded': { ledgered: true, data: drillEnd.extend({ slot: nullableString }) },
  'drill.abandoned': { ledgered: true, data: z.looseObject({ drill: z.string(), jobKey: nullableString, lastStep: nullableString, lastSeenAt: z.string().nullable(), why: z.string() }) },
  'scrub.verdict': { ledgered: true, data: z.strictObject({ kind: z.literal('backup'), region: z.string(), name: nullableString, ok: z.boolean(), reason: nullableString, sha256: nullableString, bytes: z.number() }) },
  'scrub.completed': { ledgered: true, data: z.strictObject({ rate: z.number().nullable(), backups: z.number(), backupsBad: z.number(), copies: z.number(), copiesBad: z.number(), bytes: z.number(), durationMs: z.number() }) },
  'sandbox.swept': { ledgered: true, data: z.looseObject({ ...lease }) },
  'sandbox.sweep-failed': { ledgered: true, data: z.strictObject({ ...lease, error: z.string() }) },
  /** Who muted which alerts, until when and why: auditors ask. */
  'alert.silenced': { ledgered: true, data: z.strictObject({ id: z.string(), matchers: z.record(z.string(), z.string()), startsAt: z.string(), endsAt: z.string(), reason: z.string(), createdBy: z.string() }) },
  'alert.silence-expired': { ledgered: true, data: z.strictObject({ id: z.string(), expiredAt: z.string() }) },
  /** A planned backup outage began or ended: the resource's freshness alerts were muted in between. */
  'alert.maintenance-started': { ledgered: true, data: z.strictObject({ resource: z.string(), from: z.string(), to: z.string(), reason: z.string() }) },
  'alert.maintenance-ended': { ledgered: true, data: z.strictObject({ resource: z.string(), from: z.string(), to: z.string(), reason: z.string() }) },
  /** `ledger verify` ran: the answer, for alerts on a tampered ledger (the ledger cannot vouch for itself). */
  'ledger.verified': { ledgered: false, data: z.strictObject({ ok: z.boolean(), records: z.number(), problems: z.number() }) },
} as const;

export type EventType = keyof typeof EVENTS;
export type EventData<T extends EventType> = z.output<(typeof EVENTS)[T]['data']>;

export interface LifeboatEvent<T extends EventType = EventType> {
  type: T;
  /** What it is about: a resource, a run id, a drill. */
  subject: string;
  data: EventData<T>;
}

/** An event, its data checked against its type at compile time (and by `checkEvent` at run time). */
export const event = <T extends EventType>(type: T, subject: string, data: EventData<T>): LifeboatEvent<T> => ({ type, subject, data });

export const isEventType = (t: string): t is EventType => Object.hasOwn(EVENTS, t);

/** The event if its type is known and its data has that type's shape; the reason otherwise. */
export function checkEvent(e: { type: string; subject: string; data: unknown }): { ok: true; event: LifeboatEvent } | { ok: false; reason: string } {
  if (!isEventType(e.type)) return { ok: false, reason: `unknown event type ${e.type}` };
  const parsed = EVENTS[e.type].data.safeParse(e.data);
  if (!parsed.success) return { ok: false, reason: `${e.type} data: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ')}` };
  return { ok: true, event: { type: e.type, subject: e.subject, data: e.data } as LifeboatEvent };
}
