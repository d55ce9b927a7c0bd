import { unanswered } from './outbox.js';
import { emptyBook, type AlertBook } from './types.js';

/** The keyed document the state store keeps the book in (state's KeyedDocument, by shape: alerts does not import state). */
export interface FlatDocument {
  read(): Promise<Record<string, unknown>>;
  update<R>(fn: (doc: Record<string, unknown>) => Promise<{ doc: Record<string, unknown>; value: R }>): Promise<R>;
}

/** Where the alert book lives (the state store): read it, or change it under a lock that every process honours. */
export interface AlertBookStore {
  read(): Promise<AlertBook>;
  update<R>(fn: (book: AlertBook) => Promise<{ book: AlertBook; value: R }> | { book: AlertBook; value: R }): Promise<R>;
}

/**
 * The book as flat keys (alert:<fingerprint>, outbox:<id>, silence:<id>, fact:<key>) and back: the PostgreSQL
 * backend keeps one row per key, so an evaluation rewrites only the alerts that changed.
 */
export function flattenBook(book: AlertBook): Record<string, unknown> {
  return {
    ...Object.fromEntries(Object.entries(book.alerts).map(([k, v]) => [`alert:${k}`, v])),
    ...Object.fromEntries(Object.entries(book.outbox).map(([k, v]) => [`outbox:${k}`, v])),
    ...Object.fromEntries(Object.entries(book.silences).map(([k, v]) => [`silence:${k}`, v])),
    ...Object.fromEntries(Object.entries(book.facts).map(([k, v]) => [`fact:${k}`, v])),
    ...(book.inputsAt ? { 'meta:inputsAt': book.inputsAt } : {}),
  };
}

export function unflattenBook(flat: Record<string, unknown>): AlertBook {
  const book = emptyBook();
  for (const [k, v] of Object.entries(flat)) {
    const at = k.indexOf(':');
    const part = k.slice(0, at);
    const id = k.slice(at + 1);
    if (part === 'alert') book.alerts[id] = v as AlertBook['alerts'][string];
    else if (part === 'outbox') book.outbox[id] = v as AlertBook['outbox'][string];
    else if (part === 'silence') book.silences[id] = v as AlertBook['silences'][string];
    else if (part === 'fact') book.facts[id] = v as AlertBook['facts'][string];
    else if (k === 'meta:inputsAt' && typeof v === 'string') book.inputsAt = v;
  }
  return book;
}

/** What `status` says of alerting: how many fire, how many of those are silenced, messages given up on (and not made good since) or still waiting. */
export function alertSummary(book: AlertBook): { firing: number; silenced: number; deadLetters: number; waiting: number } {
  const alerts = Object.values(book.alerts).filter((a) => a.status === 'firing');
  const messages = Object.values(book.outbox);
  // Dead letters a later delivery to the same route has made good do not count: the route works again.
  const deadLetters = [...unanswered(book).values()].reduce((k, list) => k + list.length, 0);
  return { firing: alerts.length, silenced: alerts.filter((a) => a.silencedBy).length, deadLetters, waiting: messages.filter((n) => n.state === 'pending' || n.state === 'sending').length };
}

/** The alert book over the state store's keyed document: one row per alert, message, silence and fact in PostgreSQL. */
export function alertBookOver(doc: FlatDocument): AlertBookStore {
  return {
    read: async () => unflattenBook(await doc.read()),
    update: (fn) =>
      doc.update(async (flat) => {
        const r = await fn(unflattenBook(flat));
        return { doc: flattenBook(r.book), value: r.value };
      }),
  };
}
