import { createHash } from 'node:crypto';
import path from 'node:path';
import type { SlotRecord, SlotStore } from '../types.js';
import { lockedJson } from './locked-json.js';

/** Slot claims as one small file per slot (named by a hash: job keys hold any character), changed under its lock. */
export function createSlotFiles(dir: string): SlotStore {
  const doc = (slot: string) => lockedJson<SlotRecord | null>(path.join(dir, `${createHash('sha256').update(slot).digest('hex').slice(0, 40)}.json`), () => null);
  return {
    claim: (slot, holder, at) =>
      doc(slot).update<{ token: number } | { finished: SlotRecord }>(async (rec) => {
        if (rec?.finishedAt) return { doc: rec, value: { finished: rec } };
        const next: SlotRecord = { slot, token: (rec?.token ?? 0) + 1, holder, claimedAt: at.toISOString() };
        return { doc: next, value: { token: next.token } };
      }),
    async isCurrent(slot, token) {
      const rec = await doc(slot).read();
      return !!rec && rec.token === token && !rec.finishedAt;
    },
    finish: (slot, token, result, at) =>
      doc(slot).update<boolean>(async (rec) => {
        if (!rec || rec.token !== token || rec.finishedAt) return { doc: rec, value: false };
        return { doc: { ...rec, result, finishedAt: at.toISOString() }, value: true };
      }),
    get: async (slot) => (await doc(slot).read()) ?? undefined,
  };
}
