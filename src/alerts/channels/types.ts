import type { SendResult } from '../outbox.js';
import type { Notification } from '../types.js';

export interface SendContext {
  now: Date;
  signal?: AbortSignal;
  /** How long a receiver may take to answer (default 10s). */
  timeoutMs?: number;
}

/** One receiver kind (Alertmanager's Notify): sends a message and says whether a failure is worth another try. */
export interface Channel {
  readonly kind: string;
  send(n: Notification, ctx: SendContext): Promise<SendResult>;
}
