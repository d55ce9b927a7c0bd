import { describe, expect, it } from 'vitest';
import { durationSchema, formatDuration, parseDuration } from '../../src/config/index.js';

describe('durations', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['35d', 35 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1h30m', 5_400_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(durationSchema.parse(text)).toBe(ms);
  });

  it.each(['1 day', '24', 'h', '1.5h', '-1h', '1H', '', '10ms'])('rejects %j with an example of the right form', (text) => {
    expect(parseDuration(text)).toBeUndefined();
    const r = durationSchema.safeParse(text);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/expected a duration like 90s, 15m, 24h, 35d/);
  });

  it('rejects a number with the same hint', () => {
    const r = durationSchema.safeParse(3600);
    expect(r.error!.issues[0]!.message).toMatch(/expected a duration like/);
  });

  it('formats back in the same style', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(86_400_000 + 3_600_000)).toBe('1d1h');
    expect(formatDuration(3 * 86_400_000 + 3_600_000 + 60_000)).toBe('3d1h');
    expect(formatDuration(0)).toBe('0s');
  });
});
