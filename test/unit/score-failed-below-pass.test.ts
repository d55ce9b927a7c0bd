import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PASSING_SCORE, score } from '../../src/scoring/index.js';

const H = 3_600_000;
const base = { rtoTargetMs: H, rtoAchievedMs: H / 2, rpoTargetMs: 24 * H, rpoAchievedMs: 2 * H, completenessTarget: 1, completenessAchieved: 1, restored: true };

describe('a failed drill never scores like a pass', () => {
  it('corrupted data restored fast and recent (one check of many failed) scores below every pass', () => {
    // 39 of 40 checks passed: today this scored 99.
    const s = score({ ...base, completenessAchieved: 39 / 40 });
    expect(s.passed).toBe(false);
    expect(s.score).toBeLessThan(PASSING_SCORE);
    expect(s.score).toBe(58);
  });

  it('a pass with the lowest completeness its target allows still scores at least 60', () => {
    const s = score({ ...base, completenessTarget: 0, completenessAchieved: 0 });
    expect(s).toMatchObject({ passed: true, score: 60 });
    expect(score({ ...base, completenessTarget: 0.9, completenessAchieved: 0.9 })).toMatchObject({ passed: true, score: 96 });
  });

  it('keeps the order among failures: more of the data back scores higher', () => {
    const worse = score({ ...base, completenessAchieved: 0.5 });
    const better = score({ ...base, completenessAchieved: 0.95 });
    expect(worse.score).toBeLessThan(better.score);
  });

  it('holds for any targets and achievements: passed ⇒ 60-100, failed ⇒ 0-59', () => {
    const ms = fc.integer({ min: 1, max: 30 * 24 * H });
    fc.assert(
      fc.property(
        fc.record({
          rtoTargetMs: ms,
          rtoAchievedMs: fc.integer({ min: 0, max: 30 * 24 * H }),
          rpoTargetMs: ms,
          rpoAchievedMs: fc.option(fc.integer({ min: 0, max: 30 * 24 * H }), { nil: undefined }),
          completenessTarget: fc.double({ min: 0, max: 1, noNaN: true }),
          completenessAchieved: fc.double({ min: 0, max: 1, noNaN: true }),
          restored: fc.boolean(),
        }),
        (input) => {
          const s = score(input);
          expect(Number.isInteger(s.score)).toBe(true);
          if (s.passed) expect(s.score).toBeGreaterThanOrEqual(PASSING_SCORE);
          else expect(s.score).toBeLessThan(PASSING_SCORE);
          expect(s.score).toBeGreaterThanOrEqual(0);
          expect(s.score).toBeLessThanOrEqual(100);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
