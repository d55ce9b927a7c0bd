import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { alertBookOver, type FlatDocument } from '../alerts/index.js';
import { rpoOf, type LoadedConfig } from '../config/index.js';
import type { CopyRegistryStore } from '../copy/index.js';
import type { Clock } from '../domain/index.js';
import type { DrillRun, RunStore } from '../drills/index.js';
import { EVENTS, type LifeboatEvent } from '../events/index.js';
import type { FreshnessState, FreshnessStateStore } from '../freshness/index.js';
import { cadenceStates } from '../scheduling/index.js';

const STATUSES = ['fresh', 'stale', 'missing', 'failing', 'unknown'] as const;
const seconds = (ms: number) => ms / 1000;
const epoch = (iso: string) => Date.parse(iso) / 1000;

export interface MetricsSources {
  config: LoadedConfig;
  clock: Clock;
  freshness: FreshnessStateStore;
  runs: RunStore;
  copies: CopyRegistryStore;
  alerts: FlatDocument;
  /** Jobs per queue and state (distributed mode): BullMQ's counts. */
  queueCounts?: () => Promise<{ queue: string; state: string; count: number }[]>;
}

export interface EstateMetrics {
  registry: Registry;
  /** Every event heard: ledgered ones counted, finished drills' phases observed. */
  observe(e: LifeboatEvent): void;
  /** One alert message's delivery, by route and result. */
  delivery(route: string, ok: boolean): void;
  /** The estate read afresh, then every metric as Prometheus text. */
  scrape(): Promise<string>;
}

/**
 * Prometheus metrics for one process. Estate gauges are read from the state store at each scrape,
 * so every process of a deployment exports the same values for them (aggregate with max); counters
 * and the phase histogram count what this process heard. Labels are bounded: resource, region,
 * destination, drill, owner, rule, severity, route, queue, state, phase: never a run id or a file name.
 */
export function createEstateMetrics(src: MetricsSources): EstateMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges *_total, which Prometheus keeps for counters (promtool check metrics refuses them);
  // nodejs_active_handles and nodejs_active_requests say the same without the misleading suffix.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  const g = (name: string, help: string, labelNames: string[]) => new Gauge({ name, help, labelNames, registers: [registry] });
  const backupAge = g('lifeboat_backup_age_seconds', 'Age of the newest usable backup at the latest sweep.', ['resource', 'region', 'owner']);
  const rpoTarget = g('lifeboat_backup_rpo_target_seconds', "The resource's RPO target (grace not included).", ['resource', 'region', 'owner']);
  const backupStatus = g('lifeboat_backup_status', 'Freshness status of the resource: 1 for its current status, 0 for the others.', ['resource', 'region', 'owner', 'status']);
  const lastVerified = g('lifeboat_backup_last_verified_timestamp_seconds', "When the latest sweep judged the resource's backups.", ['resource', 'region', 'owner']);
  const copyLag = g('lifeboat_copy_lag_seconds', 'Age of the newest verified copy in a destination.', ['resource', 'destination', 'owner']);
  const copyLagTarget = g('lifeboat_copy_lag_target_seconds', "The copy policy's lag target.", ['resource', 'destination', 'owner']);
  const drillLastRun = g('lifeboat_drill_last_run_timestamp_seconds', "When the drill's newest finished run started.", ['drill', 'resource']);
  const drillLastSuccess = g('lifeboat_drill_last_success_timestamp_seconds', "When the drill's newest passed run started.", ['drill', 'resource']);
  const drillRto = g('lifeboat_drill_rto_seconds', 'RTO achieved by the newest finished run.', ['drill', 'resource']);
  const drillRpo = g('lifeboat_drill_rpo_seconds', 'RPO achieved by the newest finished run (absent when not measured).', ['drill', 'resource']);
  const drillCompleteness = g('lifeboat_drill_completeness_ratio', 'Completeness achieved by the newest finished run (absent when unknown).', ['drill', 'resource']);
  const drillScore = g('lifeboat_drill_score', 'Score (0-100) of the newest finished run (0 when it could not finish).', ['drill', 'resource']);
  const drillOverdue = g('lifeboat_drill_overdue', '1 when the drill has no passed run within its cadence plus grace.', ['drill', 'resource']);
  const alertsFiring = g('lifeboat_alerts_firing', 'Alerts firing now, by rule and severity (silenced ones included).', ['rule', 'severity']);
  const queueJobs = g('lifeboat_queue_jobs', 'Jobs per queue and state (distributed mode).', ['queue', 'state']);
  const phase = new Histogram({ name: 'lifeboat_drill_phase_duration_seconds', help: 'How long each phase of finished drills took.', labelNames: ['drill', 'phase'], buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 14_400], registers: [registry] });
  const deliveries = new Counter({ name: 'lifeboat_alert_deliveries_total', help: 'Alert message deliveries attempted by this process, by route and result.', labelNames: ['route', 'result'], registers: [registry] });
  const ledgerRecords = new Counter({ name: 'lifeboat_ledger_records_total', help: 'Ledger records told on the bus this process hears (its own; in distributed mode every worker hears all).', registers: [registry] });
  const ledgerVerified = g('lifeboat_ledger_verified', '1 when the latest ledger verification found the evidence intact, 0 when not (absent until one ran).', []);

  const refresh = async () => {
    const { config } = src;
    const now = src.clock.now();
    const [freshness, book, cadences, latest] = await Promise.all([src.freshness.read(), alertBookOver(src.alerts).read(), cadenceStates(config.drills.values(), src.runs, now), latestRuns(src)]);
    for (const m of [backupAge, rpoTarget, backupStatus, lastVerified, copyLag, copyLagTarget, drillLastRun, drillLastSuccess, drillRto, drillRpo, drillCompleteness, drillScore, drillOverdue, alertsFiring, queueJobs, ledgerVerified]) m.reset();
    setFreshness(freshness, now);
    for (const [name, { last, passed }] of latest) {
      const d = config.drills.get(name)!;
      const l = { drill: name, resource: d.resource };
      drillLastRun.set(l, epoch(last.startedAt));
      if (passed) drillLastSuccess.set(l, epoch(passed.startedAt));
      const s = last.score;
      // A run that could not finish has no score: 0, so "did not pass" reads the same for it as for a failed one.
      if (!s) drillScore.set(l, 0);
      if (s) {
        if (s.rto.achieved !== null) drillRto.set(l, seconds(s.rto.achieved));
        if (s.rpo.achieved !== null) drillRpo.set(l, seconds(s.rpo.achieved));
        if (s.completeness.achieved !== null) drillCompleteness.set(l, s.completeness.achieved);
        drillScore.set(l, s.score);
      }
    }
    for (const c of cadences) drillOverdue.set({ drill: c.drill, resource: config.drills.get(c.drill)?.resource ?? '' }, c.overdue ? 1 : 0);
    for (const a of Object.values(book.alerts)) if (a.status === 'firing') alertsFiring.inc({ rule: a.condition.rule, severity: a.condition.severity });
    const verified = book.facts.ledger;
    if (verified) ledgerVerified.set(verified.ok ? 1 : 0);
    for (const q of (await src.queueCounts?.()) ?? []) queueJobs.set({ queue: q.queue, state: q.state }, q.count);
  };

  const setFreshness = (state: FreshnessState, now: Date) => {
    const { config } = src;
    for (const [subject, s] of Object.entries(state)) {
      const at = subject.indexOf('@');
      const resource = config.resources.get(at < 0 ? subject : subject.slice(0, at));
      if (!resource) continue;
      const owner = resource.owner ?? '';
      if (at < 0) {
        const l = { resource: resource.id, region: resource.region, owner };
        if (s.newestUsableAt) backupAge.set(l, seconds(now.getTime() - Date.parse(s.newestUsableAt)));
        rpoTarget.set(l, seconds(rpoOf(resource, config.estate)));
        for (const status of STATUSES) backupStatus.set({ ...l, status }, s.status === status ? 1 : 0);
        if (s.checkedAt) lastVerified.set(l, epoch(s.checkedAt));
      } else {
        const destination = subject.slice(at + 1);
        const l = { resource: resource.id, destination, owner };
        if (s.newestUsableAt) copyLag.set(l, seconds(now.getTime() - Date.parse(s.newestUsableAt)));
        const policy = config.estate.copies?.find((p) => (p.resources === '*' || p.resources.includes(resource.id)) && p.to.includes(destination));
        if (policy) copyLagTarget.set(l, seconds(policy.lag));
      }
    }
  };

  return {
    registry,
    observe(e) {
      if (EVENTS[e.type]?.ledgered) ledgerRecords.inc();
      if (e.type === 'drill.finished') {
        const d = e.data as { drill: string; phases?: Record<string, number> };
        for (const [name, ms] of Object.entries(d.phases ?? {})) phase.observe({ drill: d.drill, phase: name }, seconds(ms));
      }
    },
    delivery(route, ok) {
      deliveries.inc({ route, result: ok ? 'delivered' : 'failed' });
    },
    async scrape() {
      await refresh();
      return registry.metrics();
    },
  };
}

/** Per drill, its newest finished run and its newest passed one. */
async function latestRuns(src: MetricsSources): Promise<Map<string, { last: DrillRun; passed?: DrillRun }>> {
  const out = new Map<string, { last: DrillRun; passed?: DrillRun }>();
  for (const name of src.config.drills.keys()) {
    const recent = await src.runs.page({ drill: name, limit: 20 });
    const last = recent.runs.find((r) => r.phase !== 'running' && r.phase !== 'abandoned');
    if (!last) continue;
    const passed = last.phase === 'passed' ? last : (await src.runs.page({ drill: name, phase: 'passed', limit: 1 })).runs[0];
    out.set(name, { last, passed });
  }
  return out;
}
