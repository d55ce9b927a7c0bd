import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../src/config/index.js';
import { lateSlot } from '../../src/queue/index.js';

const hourly = { name: 'h', job: 'freshness', cron: '0 * * * *', enabled: true, catchUp: 30 * 60_000 } as Schedule;
const at = (iso: string) => Date.parse(iso);

describe('missed slots and the catch-up window', () => {
  it('runs the newest missed slot when it is inside the window', () => {
    // The queue was down from 09:00 to 12:10: the pending 09:00 job stands for the 12:00 slot.
    expect(lateSlot(`repeat:schedule:h:${at('2026-11-22T09:00:00Z')}`, hourly, at('2026-11-22T12:10:00Z'))).toEqual({ slot: at('2026-11-22T12:00:00Z'), lateMs: 600_000, windowMs: 1_800_000, skip: false });
  });

  it('skips when even the newest missed slot is older than the window', () => {
    expect(lateSlot(`repeat:schedule:h:${at('2026-11-22T09:00:00Z')}`, hourly, at('2026-11-22T12:45:00Z'))).toMatchObject({ slot: at('2026-11-22T12:00:00Z'), skip: true });
  });

  it('uses a 5-minute window by default and leaves hand-made jobs alone', () => {
    const noWindow = { ...hourly, catchUp: undefined } as Schedule;
    expect(lateSlot(`repeat:schedule:h:${at('2026-11-22T12:00:00Z')}`, noWindow, at('2026-11-22T12:04:00Z'))).toMatchObject({ skip: false });
    expect(lateSlot(`repeat:schedule:h:${at('2026-11-22T12:00:00Z')}`, noWindow, at('2026-11-22T12:06:00Z'))).toMatchObject({ skip: true });
    expect(lateSlot('42', hourly, Date.now())).toBeUndefined();
  });
});
