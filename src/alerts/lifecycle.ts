import { silenceFor } from './silences.js';
import { fingerprintOf, type AlertBook, type AlertRecord, type Condition, type Notification, type NotifiedAlert } from './types.js';

export interface LifecycleOptions {
  now: Date;
  /** How long a rule's condition must hold before it fires. */
  forMs(rule: string): number;
  /** How often a route is told again of an alert still firing. */
  repeatMs(route: string): number;
  /** How long a route's first message waits for more alerts to go with it. */
  groupWaitMs(route: string): number;
  newId(): string;
}

export interface LifecycleChanges {
  fired: string[];
  repeated: string[];
  resolved: string[];
}

/**
 * Pure: one evaluation's conditions folded into the book. Pending → firing after the rule's `for`;
 * firing is queued once, again every `repeat`, and once more as resolved when the condition clears;
 * each queued alert joins its route's open message (grouping) or opens one that waits `groupWait`.
 * A silenced alert is not queued; a resolve is, when its firing was told, so an incident can close.
 */
export function advance(book: AlertBook, conditions: readonly Condition[], o: LifecycleOptions): { book: AlertBook; changes: LifecycleChanges } {
  const now = o.now.toISOString();
  const t = o.now.getTime();
  const next: AlertBook = { ...book, alerts: {}, outbox: { ...book.outbox } };
  const changes: LifecycleChanges = { fired: [], repeated: [], resolved: [] };
  const seen = new Set<string>();

  for (const c of conditions) {
    const fp = fingerprintOf(c.rule, c.subject);
    if (seen.has(fp)) continue;
    seen.add(fp);
    const prev = book.alerts[fp];
    const rec: AlertRecord = prev ? { ...prev, condition: c } : { fingerprint: fp, status: 'pending', condition: c, activeSince: now, notifications: 0 };
    const oldRoute = prev?.condition.route;
    if (prev?.lastNotifiedAt && oldRoute && oldRoute !== c.route) {
      // Moved to another route (the estate changed): the old route's receiver is told it is over, the new one hears it as new.
      if (withdraw(next, oldRoute, fp)) queue(next, oldRoute, { ...notified(prev, 'resolved'), status: 'resolved', endsAt: now }, o);
      delete rec.lastNotifiedAt;
    }
    if (rec.status === 'pending' && t - Date.parse(rec.activeSince) >= o.forMs(c.rule)) {
      rec.status = 'firing';
      rec.firingSince = now;
    }
    const silence = c.mutedBy ? { id: c.mutedBy } : silenceFor(Object.values(book.silences), c.labels, o.now);
    if (silence) rec.silencedBy = silence.id;
    else delete rec.silencedBy;
    if (rec.status === 'firing' && c.route && !silence) {
      const first = !rec.lastNotifiedAt;
      if (first || t - Date.parse(rec.lastNotifiedAt!) >= o.repeatMs(c.route)) {
        queue(next, c.route, notified(rec, first ? 'firing' : 'repeat'), o);
        rec.lastNotifiedAt = now;
        rec.notifications++;
        (first ? changes.fired : changes.repeated).push(fp);
      }
    }
    next.alerts[fp] = rec;
  }

  for (const [fp, rec] of Object.entries(book.alerts)) {
    if (seen.has(fp)) continue;
    const route = rec.condition.route;
    if (rec.status !== 'firing' || !route || !rec.lastNotifiedAt) continue;
    // Its firing still waiting (grouping, or retrying after a failure) is taken out; a resolve goes only where a firing may have arrived.
    if (!withdraw(next, route, fp)) continue;
    queue(next, route, { ...notified(rec, 'resolved'), status: 'resolved', endsAt: now }, o);
    changes.resolved.push(fp);
  }
  return { book: next, changes };
}

function notified(rec: AlertRecord, reason: NotifiedAlert['reason']): NotifiedAlert {
  const c = rec.condition;
  return { fingerprint: rec.fingerprint, status: 'firing', rule: c.rule, subject: c.subject, severity: c.severity, summary: c.summary, details: c.details, labels: c.labels, startsAt: rec.firingSince ?? c.since, reason };
}

/** The route's message still gathering alerts: never tried, its group wait not over (with none, alerts of one evaluation still go together). */
function openMessage(book: AlertBook, route: string, t: number): Notification | undefined {
  return Object.values(book.outbox).find((n) => n.route === route && n.state === 'pending' && n.attempts === 0 && Date.parse(n.notBefore) >= t);
}

function queue(book: AlertBook, route: string, alert: NotifiedAlert, o: LifecycleOptions): void {
  const t = o.now.getTime();
  const open = openMessage(book, route, t);
  if (open) {
    book.outbox[open.id] = { ...open, alerts: [...open.alerts.filter((a) => a.fingerprint !== alert.fingerprint), alert] };
    return;
  }
  const id = o.newId();
  book.outbox[id] = { id, route, alerts: [alert], createdAt: o.now.toISOString(), state: 'pending', notBefore: new Date(t + o.groupWaitMs(route)).toISOString(), attempts: 0 };
}

/**
 * Takes the alert's firing out of every message of the route not sent yet, and says whether a resolve is
 * still owed: whether a message that carried it was delivered, or is being sent now (the route sends in order,
 * so the resolve cannot overtake it).
 */
function withdraw(book: AlertBook, route: string, fp: string): boolean {
  let told = false;
  for (const n of Object.values(book.outbox)) {
    if (n.route !== route || !n.alerts.some((a) => a.fingerprint === fp && a.status === 'firing')) continue;
    if (n.state === 'delivered' || n.state === 'sending') told = true;
    if (n.state !== 'pending') continue;
    const alerts = n.alerts.filter((a) => a.fingerprint !== fp);
    if (alerts.length) book.outbox[n.id] = { ...n, alerts };
    else delete book.outbox[n.id];
  }
  return told;
}
