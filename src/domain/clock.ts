/** Time as the domain sees it: injected so tests and schedules can decide "now" themselves. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told: for tests and for replaying a past instant. */
export function fixedClock(start: Date | string): Clock & { set(d: Date | string): void; advance(ms: number): void } {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = new Date(d).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * Elapsed time of real work (a copy, a scrub, a progress line's throttle): monotonic, so a wall-clock
 * step cannot make it negative, and not the domain clock, which a test may have stopped.
 */
export function stopwatch(): () => number {
  const start = performance.now();
  return () => Math.round(performance.now() - start);
}
