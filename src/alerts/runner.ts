import { messageOf, type Logger } from '../domain/index.js';
import type { EventBus, LifeboatEvent } from '../events/index.js';
import type { AlertEngine } from './engine.js';

export const DEFAULT_EVALUATE_EVERY_MS = 30_000;
/** How often due messages (group wait over, a retry's backoff over) are looked for. */
const DISPATCH_EVERY_MS = 1000;
/** Events that come together (a sweep's many status changes) make one evaluation, at most this long after the first. */
const SETTLE_MS = 200;

export interface AlertRunner {
  /** Evaluates and sends now (tests, and `start` after its first sweep). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Alerting in a process: every event on the bus asks for an evaluation (facts kept, rules judged, transitions
 * queued), and so does a timer (time alone makes a backup stale or a drill overdue); due messages go out every second.
 * Any number of processes may run one: the book's lock makes each transition queued once and each message claimed once.
 */
export function startAlertRunner(o: { engine: AlertEngine; bus: EventBus; logger: Logger; evaluateEveryMs?: number }): AlertRunner {
  const pending: LifeboatEvent[] = [];
  let settle: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const stopping = new AbortController();

  const evaluate = () => {
    const events = pending.splice(0);
    return o.engine.evaluate(events).then(
      (c) => {
        if (c.fired.length || c.resolved.length || c.repeated.length) o.logger.info({ fired: c.fired, repeated: c.repeated, resolved: c.resolved }, 'alerts changed');
      },
      (err: unknown) => {
        // Facts from these events are kept for the next try rather than lost.
        pending.unshift(...events);
        o.logger.warn({ err: messageOf(err) }, 'alert evaluation failed; next time');
      },
    );
  };
  const dispatch = () =>
    o.engine.dispatch(stopping.signal).then(
      () => undefined,
      (err: unknown) => o.logger.warn({ err: messageOf(err) }, 'alert dispatch failed; next time'),
    );
  // One pass at a time in this process: an evaluation never races this process's own dispatch.
  const serial = (fn: () => Promise<void>) => (running = running.then(() => (stopped ? undefined : fn())));

  const sub = o.bus.subscribe((e) => {
    pending.push(e);
    // At most SETTLE_MS after the first event not yet judged: a steady stream of events must not postpone it for ever.
    settle ??= setTimeout(() => {
      settle = undefined;
      void serial(async () => (await evaluate(), await dispatch()));
    }, SETTLE_MS);
  });
  const evaluating = setInterval(() => void serial(evaluate), o.evaluateEveryMs ?? DEFAULT_EVALUATE_EVERY_MS);
  const dispatching = setInterval(() => void serial(dispatch), DISPATCH_EVERY_MS);

  return {
    tick: () => serial(async () => (await evaluate(), await dispatch())),
    // Evaluated once more so facts from events heard while stopping are kept; messages wait for the next process.
    async stop() {
      sub.close();
      clearTimeout(settle);
      clearInterval(evaluating);
      clearInterval(dispatching);
      // Sends in flight are cut short (their messages go back to pending for the next process) rather than waited for.
      stopping.abort();
      await serial(evaluate);
      stopped = true;
      await running;
    },
  };
}
