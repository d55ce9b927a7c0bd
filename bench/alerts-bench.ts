import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { alertBookOver, alertChannels, createAlertEngine, startAlertRunner } from '../src/alerts/index.js';
import { systemClock } from '../src/domain/clock.js';
import { silentLogger } from '../src/domain/logger.js';
import { createLocalBus, event } from '../src/events/index.js';
import { createFileStateStore } from '../src/state/index.js';
import { benchEstate } from './bench-estate.js';

export interface AlertsBenchResult {
  alerts: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** A bare POST to the same receiver: the floor any delivery stands on. */
  postP50Ms: number;
  ratioP50: number;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/**
 * Event → receiver: N resources go stale one after another (a freshness status change in the state store and its
 * event on the bus, every `gapMs`), the alert runner judges and sends each to a webhook on this machine; the latency
 * of each alert is the time from its event to its arrival, against a bare POST to the same receiver.
 */
export async function alertsBench(o: { dir: string; alerts: number; gapMs: number }): Promise<AlertsBenchResult> {
  const arrived = new Map<string, number>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { alerts?: { subject: string }[] };
      for (const a of body.alerts ?? []) if (!arrived.has(a.subject)) arrived.set(a.subject, at);
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  try {
    const posts: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await (await fetch(url, { method: 'POST', body: '{}' })).text();
      posts.push(performance.now() - t);
    }

    const { config, ids } = benchEstate(o.dir, o.alerts, { alertRoutes: { hook: { kind: 'webhook', url, groupWait: '0s' } }, alertRoute: 'hook' });
    const state = createFileStateStore(o.dir);
    const bus = createLocalBus(silentLogger);
    const engine = createAlertEngine({ config, clock: systemClock, logger: silentLogger, book: alertBookOver(state.alerts), runs: state.runs, freshness: state.freshness, copies: state.copies, channel: await alertChannels(config, {}) });
    const runner = startAlertRunner({ engine, bus, logger: silentLogger, evaluateEveryMs: 60_000 });
    const told = new Map<string, number>();
    try {
      for (const id of ids) {
        const now = new Date().toISOString();
        await state.freshness.update(async (s) => ({ state: { ...s, [id]: { status: 'stale', since: now, reason: 'bench', checkedAt: now, day: { date: now.slice(0, 10), checks: 1, byStatus: {}, worst: 'stale' } } }, value: undefined }));
        told.set(id, performance.now());
        await bus.publish([event('freshness.status-changed', id, { from: 'fresh', to: 'stale', reason: 'bench', newestUsable: null, newest: null, rpoMs: 86_400_000, graceMs: 0, checkedAt: now })]);
        await new Promise((r) => setTimeout(r, o.gapMs));
      }
      const deadline = performance.now() + 120_000;
      while (arrived.size < o.alerts && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await runner.stop();
    }
    if (arrived.size < o.alerts) throw new Error(`only ${arrived.size} of ${o.alerts} alerts arrived`);
    const latency = ids.map((id) => arrived.get(id)! - told.get(id)!);
    const postP50Ms = quantile(posts, 0.5);
    const p50Ms = quantile(latency, 0.5);
    return { alerts: o.alerts, p50Ms, p99Ms: quantile(latency, 0.99), maxMs: Math.max(...latency), postP50Ms, ratioP50: p50Ms / postP50Ms };
  } finally {
    await new Promise((r) => receiver.close(r));
  }
}
