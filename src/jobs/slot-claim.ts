import { hostname } from 'node:os';
import { LifeboatError, type Clock } from '../domain/index.js';
import type { SlotFence } from '../drills/index.js';
import type { SlotRecord, SlotStore } from '../state/index.js';

/**
 * Claims a queue job's slot before the job creates anything: a fence for this attempt, or
 * the slot's result when an earlier attempt already finished it (the job ran again after
 * its result was recorded: a lost lock, a worker killed after the finish).
 */
export async function claimSlot(slots: SlotStore, slot: string, clock: Clock): Promise<{ fence: SlotFence } | { finished: SlotRecord }> {
  const claimed = await slots.claim(slot, { host: hostname(), pid: process.pid }, clock.now());
  if ('finished' in claimed) return claimed;
  const { token } = claimed;
  return {
    fence: {
      slot,
      token,
      async check() {
        if (!(await slots.isCurrent(slot, token))) throw new LifeboatError('SLOT_SUPERSEDED', `slot ${slot} was claimed by a newer attempt of its job (this attempt held claim ${token}): stopping before the next step`);
      },
      finish: (result) => slots.finish(slot, token, result, clock.now()),
    },
  };
}
