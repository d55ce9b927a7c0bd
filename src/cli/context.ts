import type { Clock, Logger } from '../domain/index.js';
import type { LoadedConfig } from '../config/index.js';
import type { Runtime } from '../jobs/index.js';
import type { StateStore } from '../state/index.js';
import type { AlertRunner } from '../alerts/index.js';
import type { ConnectionOptions } from 'bullmq';
import type { EventBus } from '../events/index.js';
import type { EstateMetrics, MetricsHandle } from '../metrics/index.js';

/** What every command gets from the composition root; commands never read process.env themselves. */
export interface CliContext {
  clock: Clock;
  logger: Logger;
  configPath: string;
  /** lifeboat's own version (written into manifests). */
  version: string;
  out: (text: string) => void;
  /** A transient status line for people (progress); nothing when not on a terminal. */
  progress: (text: string) => void;
  signal: AbortSignal;
  /** The environment, handed in by the composition root (secrets are resolved from it). */
  env: Readonly<Record<string, string | undefined>>;
  /** Providers and ledger for a loaded config, built by the composition root. */
  openRuntime(config: LoadedConfig): Promise<Runtime>;
  /** The state store alone (runs, leases, copies…), for commands that only read state. */
  openState(config: LoadedConfig): Promise<StateStore>;
  /** Alerting for a long-running command: rules evaluated on every event and on a timer, messages sent (counted in metrics when given). */
  startAlerting(runtime: Runtime, metrics?: EstateMetrics): Promise<AlertRunner>;
  /** /metrics for a long-running command: estate gauges from the state store, counters from the buses it hears, on the listener (none when undefined). */
  startMetrics(o: { config: LoadedConfig; state: StateStore; buses?: EventBus[]; listen?: { host: string; port: number }; queue?: { connection: ConnectionOptions; prefix: string } }): Promise<MetricsHandle>;
}

/** Exit codes shared by every command (4: a drill ran and nothing failed, but it proved too little to pass). */
export const EXIT = { ok: 0, targetFailed: 1, usage: 2, infrastructure: 3, inconclusive: 4 } as const;
