import type { Clock } from '../domain/index.js';
import type { RunStore } from './run-store.js';
import type { DrillRun } from './types.js';

/** How often a running drill says it is alive; a run not seen for a few of these is taken for dead by the sweep. */
export const HEARTBEAT_MS = 30_000;

/**
 * Saves the run with a fresh `lastSeenAt` every `everyMs` while it runs, so that a sweep
 * on any host can tell a live drill from one whose process died, and say when it was
 * last seen. `stop()` waits for a save in flight, so the final record is never
 * overwritten by a late heartbeat.
 */
export function startHeartbeat(run: DrillRun, runs: RunStore, clock: Clock, everyMs = HEARTBEAT_MS): { stop(): Promise<void> } {
  run.lastSeenAt = clock.now().toISOString();
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    inFlight = inFlight.then(async () => {
      if (stopped) return;
      run.lastSeenAt = clock.now().toISOString();
      await runs.save(run).catch(() => undefined);
    });
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      run.lastSeenAt = clock.now().toISOString();
    },
  };
}

/** The newest moment a run is known to have been alive: its heartbeat, or its newest step time. */
export function lastSeen(run: DrillRun): Date {
  const times = [run.startedAt, run.lastSeenAt, ...run.steps.flatMap((s) => [s.startedAt, s.endedAt])].filter((t): t is string => !!t).map((t) => new Date(t).getTime());
  return new Date(Math.max(...times));
}
