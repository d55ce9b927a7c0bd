import { describe, expect, it } from 'vitest';
import { score } from '../../src/scoring/index.js';

const H = 3_600_000;
const base = { rtoTargetMs: H, rtoAchievedMs: H / 2, rpoTargetMs: 4 * H, completenessTarget: 1, completenessAchieved: 1, restored: true };

describe('an RPO the canary cannot measure fails, with the reason', () => {
  it('no canary beat: RPO not measured, the drill fails and says why', () => {
    const s = score({ ...base, rpoAchievedMs: undefined, rpoUnmeasured: 'the drill measures RPO by the canary and canary table lifeboat_canary is missing from the restored copy' });
    expect(s).toMatchObject({ outcome: 'failed', passed: false, rpo: { target: 4 * H, achieved: null, passed: false }, rto: { passed: true }, completeness: { passed: true } });
    expect(s.reasons).toEqual(['RPO: not measured: the drill measures RPO by the canary and canary table lifeboat_canary is missing from the restored copy']);
  });

  it('a stale beat fails RPO as too old', () => {
    const s = score({ ...base, rpoAchievedMs: 10 * H });
    expect(s).toMatchObject({ outcome: 'failed', rpo: { achieved: 10 * H, passed: false } });
    expect(s.reasons).toEqual(['RPO: newest data in the restored copy is 10h old, target 4h']);
  });
});
