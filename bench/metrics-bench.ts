import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/domain/clock.js';
import { createEstateMetrics } from '../src/metrics/index.js';
import { createFileStateStore } from '../src/state/index.js';
import { benchEstate } from './bench-estate.js';

export interface MetricsBenchResult {
  resources: number;
  scrapeMs: number;
  bytes: number;
  series: number;
  /** Reading the freshness state alone: the least a scrape must do. */
  readMs: number;
  ratio: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** /metrics at N resources (each with a status, age and target), against reading the state it is built from. */
export async function metricsBench(o: { dir: string; resources: number; scrapes: number }): Promise<MetricsBenchResult> {
  const { config, ids } = benchEstate(o.dir, o.resources);
  const state = createFileStateStore(o.dir);
  const now = new Date().toISOString();
  await state.freshness.update(async () => ({
    state: Object.fromEntries(ids.map((id, i) => [id, { status: i % 10 ? 'fresh' : 'stale', since: now, reason: 'bench', checkedAt: now, newestUsableAt: now, day: { date: now.slice(0, 10), checks: 1, byStatus: {}, worst: 'fresh' } }])),
    value: undefined,
  }));
  const metrics = createEstateMetrics({ config, clock: systemClock, freshness: state.freshness, runs: state.runs, copies: state.copies, alerts: state.alerts });
  const scrapes: number[] = [];
  const reads: number[] = [];
  let text = '';
  for (let i = 0; i < o.scrapes; i++) {
    let t = performance.now();
    await state.freshness.read();
    reads.push(performance.now() - t);
    t = performance.now();
    text = await metrics.scrape();
    scrapes.push(performance.now() - t);
  }
  const scrapeMs = median(scrapes);
  const readMs = median(reads);
  return { resources: o.resources, scrapeMs, bytes: Buffer.byteLength(text), series: text.split('\n').filter((l) => l && !l.startsWith('#')).length, readMs, ratio: scrapeMs / readMs };
}
