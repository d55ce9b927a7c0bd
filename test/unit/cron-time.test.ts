import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { nextFireTime, nextFireTimes } from '../../src/scheduling/index.js';

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

  it('agrees with node-cron at DST changes: a skipped wall time fires nowhere, a repeated one once', () => {
    // The instants node-cron's runner fires at come from its matcher's walk; getNextRuns only starts from now.
    const walkerOf = (pattern: string, timezone: string) => {
      const task = cron.createTask(pattern, () => undefined, { timezone }) as unknown as { timeMatcher: { getNextMatch(d: Date): Date }; destroy(): void };
      expect(typeof task.timeMatcher?.getNextMatch).toBe('function');
      return task;
    };
    const changes = ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2026-04-04T15:00:00Z', '2026-10-03T16:00:00Z'];
    const zones = ['Europe/Berlin', 'Europe/Berlin', 'America/New_York', 'America/New_York', 'Australia/Sydney', 'Australia/Sydney'];
    let compared = 0;
    for (const pattern of ['30 2 * * *', '0 2,14 * * *', '*/30 1-3 * * *', '30 1 * * *', '0 3 1-7 * 0']) {
      changes.forEach((change, i) => {
        const task = walkerOf(pattern, zones[i]!);
        try {
          for (let at = Date.parse(change) - 6 * 3_600_000; at < Date.parse(change) + 6 * 3_600_000; at += 11 * 60_000 + 7_000) {
            expect([pattern, zones[i], new Date(at).toISOString(), nextFireTime(pattern, zones[i]!, at)]).toEqual([pattern, zones[i], new Date(at).toISOString(), task.timeMatcher.getNextMatch(new Date(at)).getTime()]);
            compared++;
          }
        } finally {
          task.destroy();
        }
      });
    }
    expect(compared).toBeGreaterThan(1_500);
    // The case that differed: 02:30 on Berlin's spring-forward day does not exist, and BullMQ fired it at 03:30.
    expect(nextFireTimes('30 2 * * *', 'Europe/Berlin', new Date('2027-03-27T02:00:00Z'), 1)[0]!.toISOString()).toBe('2027-03-29T00:30:00.000Z');
  });

  it('finds a next time as far ahead as node-cron does (29 February on a Monday: 2044), where BullMQ stopped repeating', () => {
    expect(nextFireTimes('0 0 29 2 1', 'UTC', new Date('2026-11-22T00:00:00Z'), 1).map((d) => d.toISOString())).toEqual(['2044-02-29T00:00:00.000Z']);
  });
});
