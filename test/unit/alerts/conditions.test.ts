import { describe, expect, it } from 'vitest';
import { evaluateConditions, type AlertInputs } from '../../../src/alerts/conditions.js';
import { foldEvent, maintenanceChanges } from '../../../src/alerts/facts.js';
import { RULE_IDS } from '../../../src/alerts/rules.js';
import { ALERT_RULE_IDS, type LoadedConfig } from '../../../src/config/index.js';
import { drillSchema } from '../../../src/config/schemas/drill.js';
import { estateSchema } from '../../../src/config/schemas/estate.js';
import type { DrillRun } from '../../../src/drills/index.js';
import { event } from '../../../src/events/index.js';

const NOW = new Date('2026-12-02T10:00:00.000Z');

function config(): LoadedConfig {
  const estate = estateSchema.parse({
    version: 1,
    regions: { a: { kind: 'local', path: 'a' }, b: { kind: 'local', path: 'b' } },
    sandboxes: { lite: { kind: 'pglite' } },
    alertRoutes: { oncall: { kind: 'webhook', url: 'http://127.0.0.1:1/x' }, dba: { kind: 'webhook', url: 'http://127.0.0.1:1/y' } },
    alerts: { route: 'dba', rules: { 'backup-stale': { severity: 'warning' } } },
    resources: [
      { id: 'shop', kind: 'dump-dir', region: 'a', path: 'shop', rpo: '1d', owner: 'team-shop', alertRoute: 'oncall', alertSeverity: { 'backup-failing': 'info' } },
      { id: 'crm', kind: 'dump-dir', region: 'a', path: 'crm', rpo: '1h', alertRoute: 'oncall', maintenance: [{ from: '2026-12-02T09:00:00Z', to: '2026-12-02T11:00:00Z', reason: 'storage move' }] },
    ],
    copies: [{ name: 'offsite', resources: ['shop'], to: ['b'], lag: '26h', alertRoute: 'dba' }],
  });
  const drill = { ...drillSchema.parse({ resource: 'shop', sandbox: 'lite' }), name: 'shop-monthly', file: 'drills/shop-monthly.yaml' };
  return {
    estate,
    drills: new Map([[drill.name, drill]]),
    resources: new Map(estate.resources.map((r) => [r.id, r])),
    schedules: new Map(),
    stateDir: '/x',
    ledgerDir: '/x',
    baseDir: '/x',
    estateFile: '/x/lifeboat.yaml',
    regionRoots: new Map(),
  } as unknown as LoadedConfig;
}

const state = (status: string, reason: string) => ({ status, since: '2026-12-02T08:00:00.000Z', reason, checkedAt: NOW.toISOString(), day: { date: '2026-12-02', checks: 1, byStatus: {}, worst: status } });
const inputs = (o: Partial<AlertInputs>): AlertInputs => ({ now: NOW, config: config(), freshness: {}, latestRuns: new Map(), cadences: [], copies: [], facts: {}, ...o }) as AlertInputs;
const run = (phase: DrillRun['phase'], o: Partial<DrillRun> = {}): DrillRun =>
  ({ runId: 'shop-monthly-1', drill: 'shop-monthly', resource: 'shop', sandbox: 'lite', phase, startedAt: '2026-12-02T09:00:00.000Z', endedAt: '2026-12-02T09:10:00.000Z', owner: { host: 'h', pid: 1 }, steps: [], ...o }) as DrillRun;

describe('the alert rules', () => {
  it('the config knows every rule the engine has, and no other', () => {
    expect([...ALERT_RULE_IDS].sort()).toEqual([...RULE_IDS].sort());
  });

  it('backups: one condition per bad status, with the route, owner, severity overrides and the reason', () => {
    const c = evaluateConditions(inputs({ freshness: { shop: state('stale', 'newest usable backup is 2d old'), crm: state('missing', 'no backups'), 'shop@b': state('stale', 'newest copy 30h old') } as never }));
    expect(c.map((x) => [x.rule, x.subject, x.severity, x.route, x.mutedBy])).toEqual([
      ['backup-stale', 'shop', 'warning', 'oncall', undefined],
      // crm is in its maintenance window: kept, muted.
      ['backup-missing', 'crm', 'critical', 'oncall', 'maintenance until 2026-12-02T11:00:00Z: storage move'],
      ['copy-lag', 'shop@b', 'warning', 'dba', undefined],
    ]);
    expect(c[0]).toMatchObject({ summary: 'backup of shop is stale: newest usable backup is 2d old', labels: { rule: 'backup-stale', subject: 'shop', resource: 'shop', region: 'a', owner: 'team-shop' }, since: '2026-12-02T08:00:00.000Z' });
    // A failing shop gets its own severity.
    const failing = evaluateConditions(inputs({ freshness: { shop: state('failing', 'truncated') } as never }));
    expect(failing.map((x) => [x.rule, x.severity])).toEqual([['backup-failing', 'info']]);
    expect(evaluateConditions(inputs({ now: new Date('2026-12-02T11:00:00.000Z'), freshness: { crm: state('missing', 'no backups') } as never })).map((x) => [x.subject, x.mutedBy])).toEqual([['crm', undefined]]);
  });

  it('drills: failed, partially failed, a missed target and inconclusive each say so; a passed run says nothing', () => {
    const of = (r: DrillRun) => evaluateConditions(inputs({ latestRuns: new Map([['shop-monthly', r]]) })).map((x) => [x.rule, x.summary]);
    expect(of(run('failed', { error: 'ERROR 1064 at line 3' }))).toEqual([['drill-failed', 'drill shop-monthly failed: ERROR 1064 at line 3']]);
    expect(of(run('partially-failed', { checks: [{ kind: 'row-count', name: 'orders', weight: 1, passed: false, message: 'rows 9 of 10' }], score: { reasons: ['completeness 0.9 below 1'] } as never }))).toEqual([
      ['drill-partially-failed', 'drill shop-monthly partially failed: the data came back, but completeness 0.9 below 1'],
    ]);
    expect(of(run('partially-failed', { checks: [], score: { reasons: ['RTO: took 2h, target 1h'] } as never }))).toEqual([['drill-target-missed', 'drill shop-monthly missed a target: RTO: took 2h, target 1h']]);
    expect(of(run('inconclusive', { score: { reasons: ['completeness: unknown'] } as never }))[0]![0]).toBe('drill-target-missed');
    expect(of(run('passed'))).toEqual([]);
  });

  it('facts from events: a refused drill until it starts again, scrub rot and a failed ledger verification until the next clean one', () => {
    let facts = foldEvent({}, event('drill.refused', 'shop-monthly', { drill: 'shop-monthly', resource: 'shop', sandbox: 'lite', reason: 'the sandbox admin may not CREATE' }), NOW);
    facts = foldEvent(facts, event('scrub.completed', 'scrub', { rate: null, backups: 10, backupsBad: 1, copies: 4, copiesBad: 0, bytes: 1, durationMs: 1 }), NOW);
    facts = foldEvent(facts, event('ledger.verified', '.lifeboat/ledger', { ok: false, records: 40, problems: 2 }), NOW);
    facts = foldEvent(facts, event('sandbox.sweep-failed', 'run-1', { lease: 'l1', sandbox: 'maria', database: 'lb_x', user: null, error: 'access denied' }), NOW);
    const c = evaluateConditions(inputs({ facts }));
    expect(c.map((x) => [x.rule, x.subject, x.route])).toEqual([
      ['drill-could-not-start', 'shop-monthly', 'oncall'],
      ['scrub-rot', 'scrub', 'dba'],
      ['ledger-verify-failed', 'ledger', 'dba'],
      ['sandbox-orphans', 'sweep', 'dba'],
    ]);
    facts = foldEvent(facts, event('drill.started', 'shop-monthly', { drill: 'shop-monthly', resource: 'shop', sandbox: 'lite', backup: null, targets: null }), NOW);
    facts = foldEvent(facts, event('scrub.completed', 'scrub', { rate: null, backups: 10, backupsBad: 0, copies: 4, copiesBad: 0, bytes: 1, durationMs: 1 }), NOW);
    facts = foldEvent(facts, event('ledger.verified', '.lifeboat/ledger', { ok: true, records: 41, problems: 0 }), NOW);
    facts = foldEvent(facts, event('sandbox.swept', 'run-1', { lease: 'l1', sandbox: 'maria', database: 'lb_x', user: null }), NOW);
    expect(evaluateConditions(inputs({ facts }))).toEqual([]);
  });

  it('a copy that failed verification fires until it is repaired', () => {
    const copy = { resource: 'shop', region: 'b', key: 'shop/a.sql.gz', size: 1, mtimeMs: 0, sha256: 'x', backupTime: NOW.toISOString(), verifiedAt: NOW.toISOString(), ok: false, problem: 'sha256 differs from what was written' };
    expect(evaluateConditions(inputs({ copies: [copy] })).map((x) => [x.rule, x.subject, x.summary])).toEqual([['copy-verify-failed', 'b/shop/a.sql.gz', 'copy shop/a.sql.gz in b failed verification: sha256 differs from what was written']]);
    expect(evaluateConditions(inputs({ copies: [{ ...copy, ok: true }] }))).toEqual([]);
  });

  it('a maintenance window is told once when it opens and once when it closes (for the ledger)', () => {
    const c = config();
    const before = maintenanceChanges({}, c, new Date('2026-12-02T08:59:00Z'));
    expect(before.events).toEqual([]);
    const opened = maintenanceChanges(before.facts, c, new Date('2026-12-02T09:00:00Z'));
    expect(opened.events).toEqual([{ type: 'alert.maintenance-started', resource: 'crm', from: '2026-12-02T09:00:00Z', to: '2026-12-02T11:00:00Z', reason: 'storage move' }]);
    expect(maintenanceChanges(opened.facts, c, new Date('2026-12-02T10:00:00Z')).events).toEqual([]);
    const closed = maintenanceChanges(opened.facts, c, new Date('2026-12-02T11:00:00Z'));
    expect(closed.events).toEqual([{ type: 'alert.maintenance-ended', resource: 'crm', from: '2026-12-02T09:00:00Z', to: '2026-12-02T11:00:00Z', reason: 'storage move' }]);
    expect(closed.facts).toEqual({});
  });
});

describe('alert route URLs', () => {
  const parse = (url: string) => estateSchema.safeParse({ version: 1, regions: {}, resources: [], alertRoutes: { r: { kind: 'webhook', url } } });
  it('takes http and https; refuses other schemes (a data: URL would "deliver" to nobody) and credentials in the URL', () => {
    expect(parse('https://hooks.example.com/x').success).toBe(true);
    expect(parse('http://127.0.0.1:9095/lifeboat').success).toBe(true);
    const data = parse('data:text/plain,hello');
    expect(data.success).toBe(false);
    expect(JSON.stringify(data.error?.issues)).toContain('expected an http:// or https:// URL');
    const creds = parse('http://user:pw@am.example:9093');
    expect(creds.success).toBe(false);
    expect(JSON.stringify(creds.error?.issues)).toContain("give credentials as the route's token or secret");
    expect(JSON.stringify(creds.error?.issues)).not.toContain('pw@');
  });
});
