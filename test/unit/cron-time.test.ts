import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { nextFireTimes } from '../../src/scheduling/index.js';

const nodeCronRuns = (pattern: string, timezone: string, count: number) => {
  const task = cron.createTask(pattern, () => undefined, { timezone });
  try {
    return task.getNextRuns(count).map((d) => d.toISOString());
  } finally {
    void task.destroy();
  }
};

describe('one meaning of cron for both schedulers', () => {
  it('first Saturday of the month (day-of-month AND day-of-week)', () => {
    const runs = nextFireTimes('0 3 1-7 * 6', 'Asia/Shanghai', new Date('2026-11-22T00:00:00Z'), 4).map((d) => d.toISOString());
    expect(runs).toEqual(['2026-12-04T19:00:00.000Z', '2027-01-01T19:00:00.000Z', '2027-02-05T19:00:00.000Z', '2027-03-05T19:00:00.000Z']);
  });

  it('first Monday of each quarter', () => {
    const runs = nextFireTimes('0 9 1-7 1,4,7,10 1', 'UTC', new Date('2026-11-22T00:00:00Z'), 3).map((d) => d.toISOString());
    expect(runs).toEqual(['2027-01-04T09:00:00.000Z', '2027-04-05T09:00:00.000Z', '2027-07-05T09:00:00.000Z']);
  });

  it.each([
    ['0 3 1-7 * 6', 'Asia/Shanghai'],
    ['0 9 1-7 1,4,7,10 1', 'UTC'],
    ['*/20 * * * * *', 'UTC'],
    ['30 2 * * *', 'Asia/Shanghai'],
    ['0 0 L * *', 'UTC'],
    ['15 4 13 * 5', 'Europe/Berlin'],
    ['0 */6 * * 1-5', 'America/New_York'],
  ])('agrees with node-cron on %s in %s', (pattern, tz) => {
    const theirs = nodeCronRuns(pattern, tz, 6);
    // From just before node-cron's first run, so a slot passing between the two calls cannot differ.
    const ours = nextFireTimes(pattern, tz, new Date(Date.parse(theirs[0]!) - 1), 6).map((d) => d.toISOString());
    expect(ours).toEqual(theirs);
  });
});
