export type { StateStore, StateKind, SlotStore, SlotRecord, SlotHolder, KeyedDocument } from './types.js';
export { createFileStateStore } from './files/file-state-store.js';
export { newestFirst, encodeRunCursor, decodeRunCursor } from './run-order.js';
export { openPostgresStateStore, type PostgresStateOptions } from './postgres/postgres-state-store.js';
