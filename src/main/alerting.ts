import { alertBookOver, alertChannels, createAlertEngine, startAlertRunner, type AlertRunner } from '../alerts/index.js';
import type { Env } from '../config/index.js';
import type { Runtime } from '../jobs/index.js';
import type { EstateMetrics } from '../metrics/index.js';

/** Alerting for a long-running process (start, worker): its engine over the runtime's state, hearing the runtime's bus. */
export async function startAlerting(runtime: Runtime, env: Env, metrics?: EstateMetrics): Promise<AlertRunner> {
  const engine = createAlertEngine({
    config: runtime.config,
    clock: runtime.clock,
    logger: runtime.logger.child({ part: 'alerts' }),
    book: alertBookOver(runtime.state.alerts),
    runs: runtime.state.runs,
    freshness: runtime.state.freshness,
    copies: runtime.state.copies,
    events: runtime.events,
    channel: await alertChannels(runtime.config, env),
    onSent: metrics ? (route, ok) => metrics.delivery(route, ok) : undefined,
  });
  return startAlertRunner({ engine, bus: runtime.bus, logger: runtime.logger.child({ part: 'alerts' }), evaluateEveryMs: runtime.config.estate.alerts?.evaluateEvery });
}
