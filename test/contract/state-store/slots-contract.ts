import { expect, it } from 'vitest';
import type { SlotHolder } from '../../../src/state/index.js';
import type { Backend } from './backends.js';

const holder = (pid: number): SlotHolder => ({ host: 'host-1', pid, runId: `run-${pid}` });
const t = (s: number) => new Date(Date.parse('2026-03-01T10:00:00.000Z') + s * 1000);

const tokenOf = (r: { token: number } | { finished: unknown }): number => {
  if (!('token' in r)) throw new Error(`expected a token, got ${JSON.stringify(r)}`);
  return r.token;
};

export function slotsContract(backend: Backend): void {
  it('slots: claims supersede; a stale finish is refused and writes nothing; the newest finishes once', async () => {
    const { store, another } = await backend.open();
    const slot = 'drill:nightly:2026-03-01T10:00:00.000Z|with odd "chars"/..';
    expect(await store.slots.get(slot)).toBeUndefined();
    expect(await store.slots.claim(slot, holder(1), t(0))).toEqual({ token: 1 });
    expect(await store.slots.isCurrent(slot, 1)).toBe(true);
    expect(await store.slots.claim(slot, holder(2), t(1))).toEqual({ token: 2 });
    expect(await store.slots.isCurrent(slot, 1)).toBe(false);
    expect(await store.slots.isCurrent(slot, 2)).toBe(true);
    expect(await store.slots.isCurrent(slot, 3)).toBe(false);
    const claimed = { slot, token: 2, holder: holder(2), claimedAt: t(1).toISOString() };
    expect(await store.slots.get(slot)).toEqual(claimed);

    expect(await store.slots.finish(slot, 1, { outcome: 'stale' }, t(2))).toBe(false);
    expect(await store.slots.get(slot)).toEqual(claimed);
    expect(await store.slots.finish(slot, 3, { outcome: 'future' }, t(2))).toBe(false);
    expect(await store.slots.get(slot)).toEqual(claimed);

    const result = { outcome: 'passed', runId: 'run-2', score: 91 };
    const other = await another();
    expect(await other.slots.finish(slot, 2, result, t(3))).toBe(true);
    const finished = { ...claimed, result, finishedAt: t(3).toISOString() };
    expect(await store.slots.get(slot)).toEqual(finished);
    expect(await store.slots.isCurrent(slot, 2)).toBe(false);
    expect(await store.slots.finish(slot, 2, { outcome: 'again' }, t(4))).toBe(false);
    expect(await store.slots.claim(slot, holder(3), t(5))).toEqual({ finished });
    expect(await store.slots.get(slot)).toEqual(finished);
    // Slots are independent.
    expect(await store.slots.claim(`${slot}x`, holder(4), t(6))).toEqual({ token: 1 });
  });

  it('slots: 10 concurrent claims get 10 distinct tokens; of 10 concurrent finishes only the newest token’s succeeds', { timeout: 60_000 }, async () => {
    const { store, another } = await backend.open();
    const other = await another();
    const slot = 'copy:cold:2026-03-01';
    const tokens = (await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).slots.claim(slot, holder(100 + i), t(i))))).map(tokenOf);
    expect(new Set(tokens).size).toBe(10);
    const newest = Math.max(...tokens);
    expect(await store.slots.get(slot)).toMatchObject({ token: newest, holder: holder(100 + tokens.indexOf(newest)) });
    for (const tok of tokens) expect(await other.slots.isCurrent(slot, tok), `token ${tok}`).toBe(tok === newest);
    const done = await Promise.all(tokens.map((tok, i) => (i % 2 ? store : other).slots.finish(slot, tok, { by: tok }, t(20))));
    expect(done.filter(Boolean)).toHaveLength(1);
    expect(tokens[done.indexOf(true)]).toBe(newest);
    expect(await store.slots.get(slot)).toMatchObject({ token: newest, result: { by: newest }, finishedAt: t(20).toISOString() });
  });

  it('slots: a finish racing a new claim: either the finish wins and the claim gets its result, or the claim wins and the finish is refused', { timeout: 60_000 }, async () => {
    const { store, another } = await backend.open();
    const other = await another();
    for (let round = 0; round < 20; round++) {
      const slot = `race:${round}`;
      const token = tokenOf(await store.slots.claim(slot, holder(1), t(0)));
      const [finished, claim] = await Promise.all([store.slots.finish(slot, token, { round }, t(1)), other.slots.claim(slot, holder(2), t(1))]);
      const rec = await store.slots.get(slot);
      if (finished) {
        expect(claim, `round ${round}`).toEqual({ finished: rec });
        expect(rec).toMatchObject({ token, result: { round } });
      } else {
        expect(claim, `round ${round}`).toEqual({ token: token + 1 });
        expect(rec).toEqual({ slot, token: token + 1, holder: holder(2), claimedAt: t(1).toISOString() });
      }
    }
  });
}
