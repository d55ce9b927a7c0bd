import type { EstateMetrics } from './estate-metrics.js';
export { createEstateMetrics, type EstateMetrics, type MetricsSources } from './estate-metrics.js';
export { startMetricsServer, parseListen, DEFAULT_METRICS_LISTEN, CONTENT_TYPE } from './server.js';

/** What a long-running command holds: the metrics (for alert deliveries) and how to stop serving them. */
export interface MetricsHandle {
  metrics: EstateMetrics;
  stop(): Promise<void>;
}
