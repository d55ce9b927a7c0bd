import type { ConnectionOptions } from 'bullmq';
import { Queue } from 'bullmq';
import type { LoadedConfig } from '../config/index.js';
import { messageOf, type Clock, type Logger } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import { createEstateMetrics, startMetricsServer, type MetricsHandle } from '../metrics/index.js';
import { QUEUE_OF, queueSettings } from '../queue/index.js';
import type { StateStore } from '../state/index.js';

/** Jobs per queue and state, as BullMQ counts them. */
function queueCounts(connection: ConnectionOptions, prefix: string) {
  const queues = [...new Set(Object.values(QUEUE_OF))].map((name) => new Queue(name, { connection, prefix, settings: queueSettings }));
  return {
    counts: async () => (await Promise.all(queues.map(async (q) => Object.entries(await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')).map(([state, count]) => ({ queue: q.name, state, count }))))).flat(),
    close: () => Promise.all(queues.map((q) => q.close())),
  };
}

/** Metrics for a long-running process: estate gauges from its state store, counters from its bus, on its listener (none for "off"). */
export async function startMetrics(o: {
  config: LoadedConfig;
  clock: Clock;
  logger: Logger;
  state: StateStore;
  buses?: EventBus[];
  listen?: { host: string; port: number };
  queue?: { connection: ConnectionOptions; prefix: string };
}): Promise<MetricsHandle> {
  const queues = o.queue ? queueCounts(o.queue.connection, o.queue.prefix) : undefined;
  const metrics = createEstateMetrics({ config: o.config, clock: o.clock, freshness: o.state.freshness, runs: o.state.runs, copies: o.state.copies, alerts: o.state.alerts, queueCounts: queues?.counts });
  const subs = (o.buses ?? []).map((b) => b.subscribe((e) => metrics.observe(e)));
  const server = o.listen ? await startMetricsServer({ ...o.listen, scrape: () => metrics.scrape(), logger: o.logger }) : undefined;
  return {
    metrics,
    // Metrics are a side channel: failing to close them (a Redis connection already gone) is logged, and never turns a clean stop into a failure.
    async stop() {
      for (const s of subs) s.close();
      if (server) await new Promise((r) => (server.closeAllConnections(), server.close(r)));
      await queues?.close().catch((err: unknown) => o.logger.warn({ err: messageOf(err) }, 'closing the metrics queue connections failed'));
    },
  };
}
