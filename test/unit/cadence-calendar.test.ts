import { describe, expect, it } from 'vitest';
import type { Drill } from '../../src/config/index.js';
import { drillSchema } from '../../src/config/schemas/drill.js';
import type { DrillRun, RunStore } from '../../src/drills/index.js';
import { cadenceStates, dueSlot, overdueDrills, previousFireTime } from '../../src/scheduling/index.js';

const drill = (name: string, cadence: unknown): Drill => ({ ...drillSchema.parse({ resource: 'db', sandbox: 'lite', cadence }), name });
const runsOf = (...runs: [drill: string, startedAt: string, phase: DrillRun['phase']][]): RunStore => {
  const all = runs.map(([d, startedAt, phase], i) => ({ runId: `${d}-${i}`, drill: d, resource: 'db', sandbox: 'lite', phase, startedAt, owner: { host: 'h', pid: 1 }, steps: [] }) as DrillRun);
  return {
    save: () => Promise.resolve(),
    get: (id) => Promise.resolve(all.find((r) => r.runId === id)),
    list: (f) => Promise.resolve(all.filter((r) => !f?.drill || r.drill === f.drill).sort((a, b) => a.startedAt.localeCompare(b.startedAt))),
    page: () => Promise.reject(new Error('cadence reads list')),
  };
};
const names = async (drills: Drill[], runs: RunStore, now: string) => (await overdueDrills(drills, runs, new Date(now))).map((d) => d.name);
const iso = (d: Date | undefined) => d?.toISOString();

describe('cadence: calendar months and quarters, not "31/92 days since the last run"', () => {
  it('monthly: a run passed on 30 November does not cover December', async () => {
    const m = drill('m', 'monthly');
    const runs = runsOf(['m', '2026-11-30T10:00:00.000Z', 'passed']);
    // The old rule (31 days since the last run) called this on time until 31 December.
    expect(await names([m], runs, '2026-11-30T23:59:59Z')).toEqual([]);
    expect(await names([m], runs, '2026-12-01T00:00:00Z')).toEqual(['m']);
    expect(await names([m], runsOf(['m', '2026-11-30T10:00:00.000Z', 'passed'], ['m', '2026-12-01T00:00:00.000Z', 'passed']), '2026-12-31T23:00:00Z')).toEqual([]);
  });

  it('judges passed runs only: a failed or inconclusive run this month leaves the drill overdue', async () => {
    const m = drill('m', 'monthly');
    for (const phase of ['failed', 'inconclusive', 'error', 'abandoned', 'running'] as const) {
      expect(await names([m], runsOf(['m', '2026-12-02T00:00:00.000Z', phase]), '2026-12-10T00:00:00Z')).toEqual(['m']);
    }
    // Never run at all: overdue.
    expect(await names([m], runsOf(), '2026-12-10T00:00:00Z')).toEqual(['m']);
  });

  it("monthly in the drill's time zone: Shanghai's December begins at 16:00 UTC on 30 November", async () => {
    const m = drill('m', { every: 'monthly', timezone: 'Asia/Shanghai' });
    expect(iso(dueSlot(m.cadence!, new Date('2026-11-30T16:30:00Z')))).toBe('2026-11-30T16:00:00.000Z');
    expect(iso(dueSlot(m.cadence!, new Date('2026-11-30T15:59:59Z')))).toBe('2026-10-31T16:00:00.000Z');
    // A run at 15:00 UTC on 30 November passed in Shanghai's November.
    const runs = runsOf(['m', '2026-11-30T15:00:00.000Z', 'passed']);
    expect(await names([m], runs, '2026-11-30T15:59:59Z')).toEqual([]);
    expect(await names([m], runs, '2026-11-30T16:00:01Z')).toEqual(['m']);
    // New York's December begins at 05:00 UTC on 1 December: the same run is overdue only from then.
    const ny = drill('m', { every: 'monthly', timezone: 'America/New_York' });
    expect(await names([ny], runs, '2026-12-01T04:59:59Z')).toEqual([]);
    expect(await names([ny], runs, '2026-12-01T05:00:00Z')).toEqual(['m']);
  });

  it('quarterly: calendar quarters from January, April, July, October', async () => {
    const q = drill('q', 'quarterly');
    expect(iso(dueSlot(q.cadence!, new Date('2026-12-31T23:59:59Z')))).toBe('2026-10-01T00:00:00.000Z');
    expect(iso(dueSlot(q.cadence!, new Date('2027-01-01T00:00:00Z')))).toBe('2027-01-01T00:00:00.000Z');
    expect(iso(dueSlot(q.cadence!, new Date('2027-06-15T00:00:00Z')))).toBe('2027-04-01T00:00:00.000Z');
    const runs = runsOf(['q', '2026-10-20T00:00:00.000Z', 'passed']);
    expect(await names([q], runs, '2026-12-31T23:59:59Z')).toEqual([]);
    expect(await names([q], runs, '2027-01-01T00:00:01Z')).toEqual(['q']);
    // A quarter in a zone west of UTC begins later.
    const qla = drill('q', { every: 'quarterly', timezone: 'America/Los_Angeles' });
    expect(iso(dueSlot(qla.cadence!, new Date('2027-01-01T07:59:59Z')))).toBe('2026-10-01T07:00:00.000Z');
    expect(iso(dueSlot(qla.cadence!, new Date('2027-01-01T08:00:00Z')))).toBe('2027-01-01T08:00:00.000Z');
  });

  it('grace: the previous month still decides until the grace after the 1st runs out', async () => {
    const m = drill('m', { every: 'monthly', grace: '3d' });
    const runs = runsOf(['m', '2026-11-10T00:00:00.000Z', 'passed']);
    expect(await names([m], runs, '2026-12-03T23:59:59Z')).toEqual([]);
    expect(await names([m], runs, '2026-12-04T00:00:00Z')).toEqual(['m']);
    // A month missed entirely is overdue during the next month's grace too.
    expect(await names([m], runsOf(['m', '2026-10-10T00:00:00.000Z', 'passed']), '2026-12-02T00:00:00Z')).toEqual(['m']);
    // A run passed during the grace covers the month it was due for.
    expect(await names([m], runsOf(['m', '2026-12-02T00:00:00.000Z', 'passed']), '2026-12-03T00:00:00Z')).toEqual([]);
  });

  it('cron: overdue once the latest slot plus grace has passed with no passed run since that slot', async () => {
    // The first Saturday of each month at 03:00 in Shanghai (node-cron's AND reading of day-of-month and day-of-week).
    const c = drill('c', { cron: '0 3 1-7 * 6', timezone: 'Asia/Shanghai', grace: '1h' });
    // 5 December 2026 is a Saturday: 03:00 Shanghai is 19:00 UTC on the 4th.
    expect(iso(dueSlot(c.cadence!, new Date('2026-12-04T20:00:00Z')))).toBe('2026-12-04T19:00:00.000Z');
    expect(iso(dueSlot(c.cadence!, new Date('2026-12-04T19:59:59Z')))).toBe('2026-11-06T19:00:00.000Z');
    const runs = runsOf(['c', '2026-11-06T19:00:05.000Z', 'passed']);
    expect(await names([c], runs, '2026-12-04T19:59:59Z')).toEqual([]);
    expect(await names([c], runs, '2026-12-04T20:00:00Z')).toEqual(['c']);
    expect(await names([c], runsOf(['c', '2026-12-04T19:00:00.000Z', 'passed']), '2026-12-30T00:00:00Z')).toEqual([]);
  });

  it('previousFireTime agrees with nextFireTime, exactly at a slot and between slots', () => {
    expect(previousFireTime('0 3 1-7 * 6', 'Asia/Shanghai', Date.parse('2026-12-04T19:00:00Z'))).toBe(Date.parse('2026-12-04T19:00:00Z'));
    expect(previousFireTime('0 3 1-7 * 6', 'Asia/Shanghai', Date.parse('2026-12-04T18:59:59.999Z'))).toBe(Date.parse('2026-11-06T19:00:00Z'));
    expect(previousFireTime('*/20 * * * * *', 'UTC', Date.parse('2026-12-04T10:00:59.500Z'))).toBe(Date.parse('2026-12-04T10:00:40Z'));
    expect(previousFireTime('0 0 L * *', 'UTC', Date.parse('2027-03-15T00:00:00Z'))).toBe(Date.parse('2027-02-28T00:00:00Z'));
    // 29 February on a Monday: years apart, found within five years, none when the last was longer ago.
    expect(previousFireTime('0 0 29 2 1', 'UTC', Date.parse('2020-06-01T00:00:00Z'))).toBe(Date.parse('2016-02-29T00:00:00Z'));
    expect(previousFireTime('0 0 29 2 1', 'UTC', Date.parse('2026-12-01T00:00:00Z'))).toBeUndefined();
  });

  it('reports where each drill stands, and ignores drills with no cadence', async () => {
    const runs = runsOf(['m', '2026-11-02T00:00:00.000Z', 'passed'], ['m', '2026-12-02T00:00:00.000Z', 'inconclusive']);
    const states = await cadenceStates([drill('m', 'monthly'), { ...drillSchema.parse({ resource: 'db', sandbox: 'lite' }), name: 'none' }], runs, new Date('2026-12-05T00:00:00Z'));
    expect(states).toEqual([
      { drill: 'm', cadence: 'monthly', dueSince: '2026-12-01T00:00:00.000Z', lastPassed: '2026-11-02T00:00:00.000Z', lastRun: { runId: 'm-1', phase: 'inconclusive', startedAt: '2026-12-02T00:00:00.000Z', score: null }, overdue: true },
    ]);
  });

  it('the schema takes grace on the object forms and refuses it on nothing else', () => {
    expect(drillSchema.parse({ resource: 'db', sandbox: 'lite', cadence: { every: 'quarterly', timezone: 'Europe/Berlin', grace: '2d' } }).cadence).toEqual({ every: 'quarterly', timezone: 'Europe/Berlin', grace: 172_800_000 });
    expect(drillSchema.parse({ resource: 'db', sandbox: 'lite', cadence: { cron: '0 3 1 * *', grace: '0s' } }).cadence).toEqual({ cron: '0 3 1 * *', timezone: 'UTC', grace: 0 });
    expect(drillSchema.safeParse({ resource: 'db', sandbox: 'lite', cadence: { every: 'weekly' } }).success).toBe(false);
    expect(drillSchema.safeParse({ resource: 'db', sandbox: 'lite', cadence: { every: 'monthly', grace: 'soon' } }).success).toBe(false);
  });
});
