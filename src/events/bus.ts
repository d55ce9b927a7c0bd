import type { Logger } from '../domain/index.js';
import type { LifeboatEvent } from './registry.js';

export type EventHandler = (event: LifeboatEvent) => void | Promise<void>;

export interface Subscription {
  /** Resolves once every event published from now on will be delivered. */
  ready: Promise<void>;
  close(): void;
}

/** Where events go once recorded: alerts, metrics and the API subscribe here. */
export interface EventBus {
  publish(events: readonly LifeboatEvent[]): Promise<void>;
  /** Delivers every event published once `ready` has resolved. */
  subscribe(handler: EventHandler): Subscription;
  close(): Promise<void>;
}

/**
 * One process's bus (embedded mode). A subscriber that throws is logged and does not stop
 * the others or the publisher: an alert channel being down never fails a drill.
 */
export function createLocalBus(logger: Logger): EventBus {
  const handlers = new Set<EventHandler>();
  return {
    async publish(events) {
      for (const e of events) {
        for (const h of handlers) {
          try {
            await h(e);
          } catch (err) {
            logger.warn({ event: e.type, err: err instanceof Error ? err.message : String(err) }, 'an event subscriber failed');
          }
        }
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return { ready: Promise.resolve(), close: () => void handlers.delete(handler) };
    },
    close: async () => handlers.clear(),
  };
}
