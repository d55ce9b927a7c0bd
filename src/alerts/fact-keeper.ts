import { messageOf, type Clock, type Logger } from '../domain/index.js';
import type { EventRecorder } from '../events/index.js';
import type { AlertBookStore } from './book-store.js';
import { FACT_EVENTS, foldEvent } from './facts.js';

/**
 * A recorder that also keeps, in the alert book, the facts its events tell (a ledger verification, a scrub,
 * a sweep, a refused drill): a one-off `lifeboat ledger verify` or `scrub` has no alert runner listening, and
 * the long-running process that judges the rules hears only its own bus. Best effort: the work that told the
 * event has succeeded whatever happens here.
 */
export function keepingFacts(inner: EventRecorder, book: AlertBookStore, clock: Clock, logger: Logger): EventRecorder {
  const recordMany: EventRecorder['recordMany'] = async (events) => {
    await inner.recordMany(events);
    const facts = events.filter((e) => FACT_EVENTS.has(e.type));
    if (!facts.length) return;
    await book.update((b) => ({ book: { ...b, facts: facts.reduce((f, e) => foldEvent(f, e, clock.now()), b.facts) }, value: undefined })).catch((err: unknown) => logger.warn({ err: messageOf(err) }, 'event recorded; keeping it for alerts failed'));
  };
  return { recordMany, record: (type, subject, data) => recordMany([{ type, subject, data } as Parameters<typeof recordMany>[0][number]]) };
}
