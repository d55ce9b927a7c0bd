/** How loud: critical pages someone now, warning is for working hours, info is for the record. */
export type Severity = 'critical' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** What an alert is about, as labels: the fields a silence matches and a metric carries (bounded values only). */
export interface AlertLabels {
  rule: string;
  subject: string;
  resource?: string;
  region?: string;
  drill?: string;
  owner?: string;
}

/** What an alert says, the same from the rule that found it to the message that carries it. */
export interface AlertContent {
  rule: string;
  subject: string;
  severity: Severity;
  /** One line a person can act on. */
  summary: string;
  /** What, since when, target, evidence record, runbook: shown under the summary, in order. */
  details: Record<string, string | number | null>;
  labels: AlertLabels;
}

/** A rule found true for one subject now: the input of the lifecycle, rebuilt at every evaluation. */
export interface Condition extends AlertContent {
  /** The alert route that is told, if any. */
  route?: string;
  /** When the condition began, as the state it comes from says (not when it was first seen). */
  since: string;
  /** Muted by something other than a silence (a maintenance window): tracked, not told. */
  mutedBy?: string;
}

export type AlertStatus = 'pending' | 'firing';

/** One alert the lifecycle remembers: keyed by its fingerprint (rule + subject). */
export interface AlertRecord {
  fingerprint: string;
  status: AlertStatus;
  condition: Condition;
  /** First evaluation that saw it: a rule's `for` counts from here. */
  activeSince: string;
  firingSince?: string;
  /** When a firing (or repeat) notification was last queued for it. */
  lastNotifiedAt?: string;
  notifications: number;
  /** The silence muting it at the last evaluation. */
  silencedBy?: string;
}

/** One alert as a notification carries it. */
export interface NotifiedAlert extends AlertContent {
  fingerprint: string;
  status: 'firing' | 'resolved';
  startsAt: string;
  endsAt?: string;
  /** Why it is in this message: first firing, a repeat while still firing, or the resolve. */
  reason: 'firing' | 'repeat' | 'resolved';
}

export type DeliveryState = 'grouping' | 'pending' | 'sending' | 'delivered' | 'dead';

/** A message to one route: alerts grouped within the route's groupWait, then delivered with retries. */
export interface Notification {
  id: string;
  route: string;
  alerts: NotifiedAlert[];
  createdAt: string;
  state: DeliveryState;
  /** When the next attempt may start (pending), or when a claim runs out (sending). */
  notBefore: string;
  attempts: number;
  lastError?: string;
  /** The receiver's answer to the delivery that worked, or to the last that did not. */
  answer?: string;
  deliveredAt?: string;
  /** Sent by `lifeboat alerts test`: the receiver can tell it from a real alert. */
  test?: boolean;
}

/** A silence: alerts matching every matcher are not notified until it ends. */
export interface Silence {
  id: string;
  matchers: Partial<Record<keyof AlertLabels, string>>;
  startsAt: string;
  endsAt: string;
  reason: string;
  createdBy: string;
  /** Set by `alerts silence expire`: ended early. */
  expiredAt?: string;
}

/** A fact only an event tells (a scrub's result, a ledger verification, a sandbox the sweep could not remove), kept until an event says otherwise. */
export interface Fact {
  ok: boolean;
  at: string;
  detail: string;
  /** What the evidence is (a ledger subject, a lease id). */
  evidence?: string;
}

/** Everything alerting remembers, in the state store: a restart or another worker carries on from it. */
export interface AlertBook {
  alerts: Record<string, AlertRecord>;
  outbox: Record<string, Notification>;
  silences: Record<string, Silence>;
  /** Keyed scrub, ledger, sweep:<lease>, refused:<drill>. */
  facts: Record<string, Fact>;
  /** When the state the last evaluation judged was read: an evaluation that read older state is not applied over it. */
  inputsAt?: string;
}

export const emptyBook = (): AlertBook => ({ alerts: {}, outbox: {}, silences: {}, facts: {} });

export const fingerprintOf = (rule: string, subject: string) => `${rule}:${subject}`;
