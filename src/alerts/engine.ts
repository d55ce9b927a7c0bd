import { randomUUID } from 'node:crypto';
import type { AlertRoute, LoadedConfig } from '../config/index.js';
import type { CopyRegistryStore } from '../copy/index.js';
import { messageOf, type Clock, type Logger } from '../domain/index.js';
import type { DrillRun, RunStore } from '../drills/index.js';
import type { EventRecorder, LifeboatEvent } from '../events/index.js';
import type { FreshnessStateStore } from '../freshness/index.js';
import { cadenceStates } from '../scheduling/index.js';
import type { AlertBookStore } from './book-store.js';
import type { Channel } from './channels/types.js';
import { evaluateConditions } from './conditions.js';
import { FACT_EVENTS, foldEvent, maintenanceChanges } from './facts.js';
import { advance, type LifecycleChanges } from './lifecycle.js';
import { anyDue, claimDue, deliveryFailures, prune, settle, type RetryPolicy, type SendResult } from './outbox.js';
import { RULES, type RuleId } from './rules.js';
import type { Notification } from './types.js';

export const DEFAULT_REPEAT_MS = 4 * 3600_000;
export const DEFAULT_GROUP_WAIT_MS = 30_000;
export const DEFAULT_MAX_ATTEMPTS = 8;
/** Alertmanager forgets an alert not told again within its resolve_timeout (5m by default). */
export const ALERTMANAGER_REPEAT_MS = 60_000;

export const repeatOf = (route: AlertRoute | undefined) => route?.repeat ?? (route?.kind === 'alertmanager' ? ALERTMANAGER_REPEAT_MS : DEFAULT_REPEAT_MS);

export interface AlertEngineDeps {
  config: LoadedConfig;
  clock: Clock;
  logger: Logger;
  book: AlertBookStore;
  runs: RunStore;
  freshness: FreshnessStateStore;
  copies: CopyRegistryStore;
  /** The channel of a route, its secrets resolved; undefined for a route that does not exist. */
  channel(route: string): Channel | undefined;
  /** Where maintenance windows opening and closing are ledgered. */
  events?: EventRecorder;
  /** Told of each send's result (metrics). */
  onSent?: (route: string, ok: boolean) => void;
  /** Retry timing and how long a receiver may take; tests make them short and exact. */
  retry?: Partial<RetryPolicy>;
  sendTimeoutMs?: number;
  newId?: () => string;
}

export interface AlertEngine {
  /** Folds events into facts, evaluates every rule and queues what changed: one lock, so processes never both queue a transition. */
  evaluate(events?: readonly LifeboatEvent[]): Promise<LifecycleChanges>;
  /** Sends every message that is due; returns what each send came to. */
  dispatch(signal?: AbortSignal): Promise<{ id: string; route: string; result: SendResult }[]>;
}

export function createAlertEngine(d: AlertEngineDeps): AlertEngine {
  const alerts = d.config.estate.alerts;
  const routes = d.config.estate.alertRoutes ?? {};
  const retry: RetryPolicy = { maxAttempts: alerts?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, baseMs: 1000, maxMs: 5 * 60_000, random: Math.random, ...d.retry };
  const lifecycle = {
    forMs: (rule: string) => alerts?.rules?.[rule as RuleId]?.for ?? RULES[rule as RuleId]?.forMs ?? 0,
    repeatMs: (route: string) => repeatOf(routes[route]),
    groupWaitMs: (route: string) => routes[route]?.groupWait ?? DEFAULT_GROUP_WAIT_MS,
    newId: d.newId ?? (() => randomUUID()),
  };

  const latestRuns = async (): Promise<Map<string, DrillRun>> => {
    const out = new Map<string, DrillRun>();
    for (const name of d.config.drills.keys()) {
      const page = await d.runs.page({ drill: name, limit: 20 });
      // The newest that finished: a running one says nothing yet, an abandoned attempt was replaced.
      const done = page.runs.find((r) => r.phase !== 'running' && r.phase !== 'abandoned');
      if (done) out.set(name, done);
    }
    return out;
  };

  return {
    async evaluate(events = []) {
      const now = d.clock.now();
      // Read outside the book's lock: the rules judge the state as it stood a moment ago, which the next evaluation corrects.
      const [freshness, runs, registry, cadences] = await Promise.all([d.freshness.read(), latestRuns(), d.copies.read(), cadenceStates(d.config.drills.values(), d.runs, now)]);
      return d.book
        .update((book) => {
          let facts = book.facts;
          for (const e of events) if (FACT_EVENTS.has(e.type)) facts = foldEvent(facts, e, now);
          // Another process judged newer state meanwhile: judging this older read over it would resolve and re-fire what did not change.
          if (book.inputsAt && Date.parse(book.inputsAt) > now.getTime()) return { book: { ...book, facts }, value: { changes: { fired: [], repeated: [], resolved: [] }, windows: [] } };
          const conditions = [...evaluateConditions({ now, config: d.config, freshness, latestRuns: runs, cadences, copies: Object.values(registry), facts }), ...deliveryFailures(book, alerts?.deliveryFailureRoute)];
          const windows = maintenanceChanges(facts, d.config, now);
          const { book: next, changes } = advance({ ...book, facts: windows.facts }, conditions, { now, ...lifecycle });
          return { book: { ...prune(next, now), inputsAt: now.toISOString() }, value: { changes, windows: windows.events } };
        })
        .then(async ({ changes, windows }) => {
          // Recorded by the one process whose update saw the window change, after the lock.
          for (const w of windows) await d.events?.record(w.type, w.resource, { resource: w.resource, from: w.from, to: w.to, reason: w.reason });
          return changes;
        });
    },

    async dispatch(signal) {
      // Most seconds nothing is due: a read, not a locked rewrite of the book.
      if (!anyDue(await d.book.read(), d.clock.now())) return [];
      const claimed = await d.book.update((book) => {
        const r = claimDue(book, d.clock.now());
        return { book: r.book, value: r.claimed };
      });
      // One message per route (claimDue keeps each route in order); routes at once, so a slow receiver holds up only its own.
      return Promise.all(claimed.map(async (n) => ({ id: n.id, route: n.route, result: await sendOne(n, signal) })));
    },
  };

  async function sendOne(n: Notification, signal?: AbortSignal): Promise<SendResult> {
    const channel = d.channel(n.route);
    let result: SendResult;
    try {
      result = channel ? await channel.send(n, { now: d.clock.now(), signal, timeoutMs: d.sendTimeoutMs }) : { ok: false, retry: false, error: `no alert route ${n.route} in the estate` };
    } catch (err) {
      result = { ok: false, retry: true, error: messageOf(err) };
    }
    await d.book.update((book) => ({ book: settle(book, n.id, n.attempts, result, d.clock.now(), retry), value: undefined }));
    d.onSent?.(n.route, result.ok);
    const log = { route: n.route, message: n.id, attempt: n.attempts, alerts: n.alerts.length };
    if (result.ok) d.logger.info({ ...log, answer: result.answer }, `alert message delivered to ${n.route}`);
    else d.logger.warn({ ...log, err: result.error, retry: result.retry && n.attempts < retry.maxAttempts }, `alert message to ${n.route} not delivered`);
    return result;
  }
}
