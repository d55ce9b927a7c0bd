import type { Logger } from '../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import type { EventBus } from './bus.js';
import { checkEvent, EVENTS, type EventData, type EventType, type LifeboatEvent } from './registry.js';

/**
 * The one way state changes are told: checked against the registry, written to the ledger
 * when they are evidence, then published. The ledger comes first: a subscriber never hears
 * of a change the evidence does not hold.
 */
export interface EventRecorder {
  record<T extends EventType>(type: T, subject: string, data: EventData<T>): Promise<void>;
  recordMany(events: readonly LifeboatEvent[]): Promise<void>;
}

/** How long a recorder waits for the bus: an outage of the bus (Redis) must not hold the work that told the event. */
const PUBLISH_WAIT_MS = 2000;

export function createEventRecorder(deps: { ledger: Pick<Ledger, 'appendMany'>; bus?: Pick<EventBus, 'publish'>; logger: Logger }): EventRecorder {
  const recordMany = async (events: readonly LifeboatEvent[]) => {
    if (!events.length) return;
    for (const e of events) {
      // A wrong shape is a bug in lifeboat: it fails loudly here rather than land in the evidence.
      const c = checkEvent(e);
      if (!c.ok) throw new Error(`event ${e.type} for ${e.subject} does not fit the registry: ${c.reason}`);
    }
    const evidence = events.filter((e) => EVENTS[e.type].ledgered);
    if (evidence.length) await deps.ledger.appendMany(evidence);
    if (!deps.bus) return;
    // Delivery is best effort, the ledger is not: a subscriber that misses an event reads the ledger or the state.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), PUBLISH_WAIT_MS)));
    const sent = deps.bus.publish(events).then(
      () => 'sent' as const,
      (err: unknown) => {
        deps.logger.warn({ events: events.length, err: err instanceof Error ? err.message : String(err) }, 'events recorded but not published');
        return 'failed' as const;
      },
    );
    if ((await Promise.race([sent, late])) === 'late') deps.logger.warn({ events: events.length }, `events recorded; publishing them is taking over ${PUBLISH_WAIT_MS} ms, not waited for`);
    clearTimeout(timer);
  };
  return {
    record: (type, subject, data) => recordMany([{ type, subject, data } as LifeboatEvent]),
    recordMany,
  };
}
