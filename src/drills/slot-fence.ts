/**
 * A job's claim on its slot (the queue job a drill runs for), so a slot gives one result
 * even when its job runs twice (a worker killed, a lock lost in a Redis outage): checked
 * before each step that has a side effect, and the result is the slot's only when
 * `finish` accepts it.
 */
export interface SlotFence {
  readonly slot: string;
  readonly token: number;
  /** Throws SLOT_SUPERSEDED when a newer attempt has claimed the slot. */
  check(): Promise<void>;
  /** Records the slot's result; false when a newer attempt holds the slot or it already has one. */
  finish(result: Record<string, unknown>): Promise<boolean>;
}
