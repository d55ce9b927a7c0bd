import { describe, expect, it } from 'vitest';
import { parseByteRate } from '../../src/config/index.js';
import { estateSchema } from '../../src/config/schemas/estate.js';
import { scheduleSchema } from '../../src/config/schemas/schedule.js';
import { createPacer } from '../../src/freshness/index.js';

describe('scrub rate limit', () => {
  it('reads rates with units, and refuses nonsense and absurd values', () => {
    expect(parseByteRate('50MB/s')).toBe(50e6);
    expect(parseByteRate('512KiB/s')).toBe(512 * 1024);
    expect(parseByteRate('1.5 GB/s')).toBe(1.5e9);
    for (const bad of ['50MB', 'fast', '0MB/s', '10B/s', '1e3MB/s', '1000GB/s', '-5MB/s']) expect(parseByteRate(bad)).toBeUndefined();
  });

  it('is a schedulable job kind with an optional rate, and an estate default', () => {
    expect(scheduleSchema.parse({ job: 'scrub', cron: '0 3 * * *', rate: '20MB/s', resources: ['db'] })).toMatchObject({ job: 'scrub', rate: 20e6 });
    expect(scheduleSchema.parse({ job: 'scrub', cron: '0 3 * * *' })).toMatchObject({ job: 'scrub' });
    const bad = scheduleSchema.safeParse({ job: 'scrub', cron: '0 3 * * *', rate: 'as fast as you can' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toMatch(/expected a read rate like 50MB\/s/);
    const e = estateSchema.parse({ version: 1, regions: { a: { kind: 'local', path: 'a' } }, resources: [], scrub: { rate: '1GiB/s' } });
    expect(e.scrub).toEqual({ rate: 1024 ** 3 });
    expect(estateSchema.safeParse({ version: 1, regions: { a: { kind: 'local', path: 'a' } }, resources: [], scrub: { rat: '1GiB/s' } }).success).toBe(false);
  });

  it('waits just long enough for the bytes read to fit under the rate', async () => {
    let t = 0;
    const slept: number[] = [];
    const pace = createPacer(1000, { now: () => t, sleep: async (ms) => void slept.push(ms) });
    await pace(500);
    expect(slept).toEqual([500]);
    t = 2000;
    await pace(500);
    expect(slept).toEqual([500]);
    await pace(3000);
    expect(slept).toEqual([500, 2000]);
  });
});
