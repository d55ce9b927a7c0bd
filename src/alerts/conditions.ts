import { formatDuration, rpoOf, type LoadedConfig } from '../config/index.js';
import type { CopyRecord } from '../copy/index.js';
import type { DrillRun } from '../drills/index.js';
import type { FreshnessState } from '../freshness/index.js';
import type { CadenceState } from '../scheduling/index.js';
import { RULES, type RuleId } from './rules.js';
import type { AlertLabels, Condition, Fact, Severity } from './types.js';

/** What the rules read: every field comes from the state store (or events kept as facts), so any process can evaluate. */
export interface AlertInputs {
  now: Date;
  config: LoadedConfig;
  freshness: FreshnessState;
  /** Per drill with runs: its newest finished run. */
  latestRuns: ReadonlyMap<string, DrillRun>;
  cadences: readonly CadenceState[];
  copies: readonly CopyRecord[];
  /** Keyed scrub, ledger, sweep:<lease>, refused:<drill>. */
  facts: Readonly<Record<string, Fact>>;
}

const FRESHNESS_RULE: Partial<Record<string, RuleId>> = { stale: 'backup-stale', missing: 'backup-missing', failing: 'backup-failing', unknown: 'backup-unknown' };

/** Every rule that holds now, one condition per rule and subject. Pure: the lifecycle decides what is told. */
export function evaluateConditions(i: AlertInputs): Condition[] {
  const out: Condition[] = [];
  const { config } = i;
  const severityOf = (rule: RuleId, resource?: string): Severity => {
    const r = resource ? config.resources.get(resource) : undefined;
    return r?.alertSeverity?.[rule] ?? config.estate.alerts?.rules?.[rule]?.severity ?? RULES[rule].severity;
  };
  const labelsOf = (rule: RuleId, subject: string, extra: Omit<AlertLabels, 'rule' | 'subject'>): AlertLabels => {
    const owner = extra.resource ? config.resources.get(extra.resource)?.owner : undefined;
    return { rule, subject, ...extra, ...(owner ? { owner } : {}) };
  };
  // A planned backup outage mutes the resource's freshness and copy-lag alerts like a silence: kept, not told, and not resolved by the window.
  const mutedOf = (resource?: string) => {
    const w = resource ? maintenanceNow(config.resources.get(resource)?.maintenance, i.now) : undefined;
    return w ? { mutedBy: `maintenance until ${w.to}: ${w.reason}` } : {};
  };
  const push = (rule: RuleId, subject: string, c: { summary: string; details: Condition['details']; since: string; route?: string; labels: Omit<AlertLabels, 'rule' | 'subject'>; muted?: boolean }) =>
    out.push({
      rule,
      subject,
      severity: severityOf(rule, c.labels.resource),
      summary: c.summary,
      details: c.details,
      labels: labelsOf(rule, subject, c.labels),
      since: c.since,
      ...(c.route ? { route: c.route } : {}),
      ...(c.muted ? mutedOf(c.labels.resource) : {}),
    });

  // Backups and copy lag: the freshness sweep's state, one subject per resource and per resource@destination.
  for (const [subject, s] of Object.entries(i.freshness)) {
    const at = subject.indexOf('@');
    if (at < 0) {
      const rule = FRESHNESS_RULE[s.status];
      const r = config.resources.get(subject);
      if (!rule || !r) continue;
      push(rule, subject, {
        summary: `backup of ${subject} is ${s.status}: ${s.reason ?? 'see lifeboat check'}`,
        details: { since: s.since, target: `RPO ${formatDuration(rpoOf(r, config.estate))}`, region: r.region, lastChecked: s.checkedAt ?? null, runbook: runbookOf(config, rule) },
        since: s.since,
        route: r.alertRoute,
        labels: { resource: subject, region: r.region },
        muted: true,
      });
    } else if (s.status !== 'fresh') {
      const resource = subject.slice(0, at);
      const region = subject.slice(at + 1);
      const r = config.resources.get(resource);
      if (!r) continue;
      const policy = config.estate.copies?.find((p) => (p.resources === '*' || p.resources.includes(resource)) && p.to.includes(region));
      push('copy-lag', subject, {
        summary: `copies of ${resource} in ${region} are ${s.status}: ${s.reason ?? 'see lifeboat copy status'}`,
        details: { since: s.since, target: policy ? `lag ${formatDuration(policy.lag)}` : null, policy: policy?.name ?? null, runbook: runbookOf(config, 'copy-lag') },
        since: s.since,
        route: policy?.alertRoute ?? r.alertRoute,
        labels: { resource, region },
        muted: true,
      });
    }
  }

  // A copy that no longer hashes to what was written (or is gone): the registry says so until it is repaired.
  for (const c of i.copies) {
    if (c.ok) continue;
    const subject = `${c.region}/${c.key}`;
    push('copy-verify-failed', subject, {
      summary: `copy ${c.key} in ${c.region} failed verification: ${c.problem ?? 'hash mismatch'}`,
      details: { since: c.verifiedAt, resource: c.resource, runbook: runbookOf(config, 'copy-verify-failed') },
      since: c.verifiedAt,
      route: config.resources.get(c.resource)?.alertRoute,
      labels: { resource: c.resource, region: c.region },
    });
  }

  // Drills: the newest finished run says failed, partially failed or short of a target; the cadence says overdue.
  for (const [name, run] of i.latestRuns) {
    const d = config.drills.get(name);
    if (!d) continue;
    const route = d.alertRoute ?? config.resources.get(d.resource)?.alertRoute;
    const labels = { drill: name, resource: d.resource };
    const evidence = { run: run.runId, backup: run.backup?.name ?? null, score: run.score?.score ?? null };
    const since = run.endedAt ?? run.startedAt;
    const reasons = run.score?.reasons.join('; ') || run.error || '';
    if (run.phase === 'failed' || run.phase === 'error') {
      push('drill-failed', name, {
        summary: `drill ${name} ${run.phase === 'error' ? 'could not finish' : 'failed'}: ${run.error ?? reasons}`,
        details: { since, ...evidence, runbook: runbookOf(config, 'drill-failed') },
        since,
        route,
        labels,
      });
    } else if (run.phase === 'partially-failed' && !run.checks?.some((c) => !c.passed)) {
      // Every check passed: the data is whole, a target (RTO, RPO) was missed.
      push('drill-target-missed', name, { summary: `drill ${name} missed a target: ${reasons}`, details: { since, ...evidence, runbook: runbookOf(config, 'drill-target-missed') }, since, route, labels });
    } else if (run.phase === 'partially-failed') {
      push('drill-partially-failed', name, { summary: `drill ${name} partially failed: the data came back, but ${reasons}`, details: { since, ...evidence, runbook: runbookOf(config, 'drill-partially-failed') }, since, route, labels });
    } else if (run.phase === 'inconclusive') {
      push('drill-target-missed', name, { summary: `drill ${name} is inconclusive: ${reasons}`, details: { since, ...evidence, runbook: runbookOf(config, 'drill-target-missed') }, since, route, labels });
    }
  }
  // Refused before it began (sandbox refused, guard, lease conflict): until the drill starts again.
  for (const [key, f] of Object.entries(i.facts)) {
    if (!key.startsWith('refused:') || f.ok) continue;
    const name = key.slice('refused:'.length);
    const d = config.drills.get(name);
    if (!d) continue;
    push('drill-could-not-start', name, {
      summary: `drill ${name} could not start: ${f.detail}`,
      details: { since: f.at, evidence: f.evidence ?? null, runbook: runbookOf(config, 'drill-could-not-start') },
      since: f.at,
      route: d.alertRoute ?? config.resources.get(d.resource)?.alertRoute,
      labels: { drill: name, resource: d.resource },
    });
  }
  for (const c of i.cadences) {
    if (!c.overdue) continue;
    const d = config.drills.get(c.drill);
    if (!d) continue;
    push('drill-overdue', c.drill, {
      summary: `drill ${c.drill} is overdue: no passed run since ${c.dueSince} (${c.cadence})`,
      details: { since: c.dueSince, lastPassed: c.lastPassed, lastRun: c.lastRun ? `${c.lastRun.runId} ${c.lastRun.phase}` : null, runbook: runbookOf(config, 'drill-overdue') },
      since: c.dueSince ?? i.now.toISOString(),
      route: d.alertRoute ?? config.resources.get(d.resource)?.alertRoute,
      labels: { drill: c.drill, resource: d.resource },
    });
  }

  // What only an event tells: kept as facts until the next event of the kind says otherwise.
  const estateRoute = config.estate.alerts?.route;
  const factRules: [string, RuleId, string][] = [
    ['scrub', 'scrub-rot', 'scrub found changed bytes'],
    ['ledger', 'ledger-verify-failed', 'ledger verification failed'],
  ];
  for (const [key, rule, what] of factRules) {
    const f = i.facts[key];
    if (!f || f.ok) continue;
    push(rule, key, { summary: `${what}: ${f.detail}`, details: { since: f.at, evidence: f.evidence ?? null, runbook: runbookOf(config, rule) }, since: f.at, route: estateRoute, labels: {} });
  }
  const orphans = Object.entries(i.facts).filter(([k, f]) => k.startsWith('sweep:') && !f.ok);
  if (orphans.length) {
    const since = orphans.map(([, f]) => f.at).sort()[0]!;
    push('sandbox-orphans', 'sweep', {
      summary: `the sandbox sweep could not remove ${orphans.length} sandbox(es): ${orphans[0]![1].detail}`,
      details: { sandboxes: orphans.map(([k, f]) => `${k.slice('sweep:'.length)}: ${f.detail}`).join('; '), since, runbook: runbookOf(config, 'sandbox-orphans') },
      since,
      route: estateRoute,
      labels: {},
    });
  }
  return out;
}

/** The planned backup outage the resource is in now, if any. */
export function maintenanceNow<W extends { from: string; to: string }>(windows: readonly W[] | undefined, now: Date): W | undefined {
  const t = now.getTime();
  return (windows ?? []).find((w) => Date.parse(w.from) <= t && t < Date.parse(w.to));
}

function runbookOf(config: LoadedConfig, rule: RuleId): string | null {
  const base = config.estate.alerts?.runbookUrl;
  return base ? `${base.replace(/\/$/, '')}#${rule}` : null;
}
