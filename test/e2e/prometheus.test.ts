import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { copyExampleEstate } from '../helpers/example-estate.js';
import { removeQueuePrefixes } from '../helpers/queue-prefixes.js';
import { cliProcesses } from '../helpers/spawn.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { freePort } from '../helpers/ports.js';

const tmp = useTmpDirs();
const procs = cliProcesses();
const servers: ChildProcess[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  procs.killAll();
  for (const s of servers.splice(0)) if (s.exitCode === null) s.kill('SIGKILL');
  await removeQueuePrefixes(prefixes.splice(0));
});

/** A Debian binary (prometheus, prometheus-alertmanager, promtool), its output kept for a failure message. */
function run(bin: string, args: string[], cwd: string) {
  const child = spawn(bin, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', r));
  return { child, exited, out: () => out };
}

interface QueryResult {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe('real Prometheus and Alertmanager', () => {
  it('Prometheus scrapes lifeboat: promtool passes the scrape, every shipped panel and rule has data', { timeout: 180_000 }, async () => {
    const dir = await copyExampleEstate(await tmp());
    const port = await freePort();
    const prefix = `lbtest-prom-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    // BullMQ in this process, so the queue panel has data too.
    const start = procs.launch(['start', '--redis', 'redis://127.0.0.1:6379', '--prefix', prefix, '--listen', `127.0.0.1:${port}`, '--log-format', 'json'], { cwd: dir, stdout: true });
    await waitFor(() => (start.stdout().match(/^checks: /gm) ?? []).length === 2, { timeout: 90_000, what: 'both demo drills to finish' });
    expect((await runCli(['ledger', 'verify'], { cwd: dir })).code).toBe(0);

    const scrape = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const lint = run('promtool', ['check', 'metrics'], dir);
    lint.child.stdin!.end(scrape);
    expect(await lint.exited, lint.out()).toBe(0);

    const data = await tmp();
    const promPort = await freePort();
    await copyFile(path.join(REPO_ROOT, 'deploy/prometheus/lifeboat-rules.yml'), path.join(data, 'lifeboat-rules.yml'));
    await writeFile(path.join(data, 'prometheus.yml'), `global: { scrape_interval: 1s, evaluation_interval: 1s }\nrule_files: [lifeboat-rules.yml]\nscrape_configs:\n  - job_name: lifeboat\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`);
    const prom = run('prometheus', [`--config.file=${path.join(data, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(data, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`], data);
    servers.push(prom.child);
    const query = async (q: string) => (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as QueryResult;
    await waitFor(async () => (await query('up{job="lifeboat"} == 1')).data.result.length === 1, { timeout: 60_000, what: `Prometheus to scrape lifeboat (${prom.out().slice(-500)})` });
    // Two scrapes at least, so every series has a sample.
    await new Promise((r) => setTimeout(r, 2500));

    const dashboard = JSON.parse(await readFile(path.join(REPO_ROOT, 'deploy/grafana/lifeboat-dashboard.json'), 'utf8')) as { panels: { title: string; type: string; targets?: { expr: string }[] }[] };
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThanOrEqual(12);
    const empty: string[] = [];
    for (const p of panels) for (const t of p.targets ?? []) if ((await query(t.expr)).data.result.length === 0) empty.push(`${p.title}: ${t.expr}`);
    expect(empty).toEqual([]);

    // Each rule's metrics have series; the rules the demo breaks fire.
    const rules = await readFile(path.join(data, 'lifeboat-rules.yml'), 'utf8');
    const names = [...new Set(rules.match(/\blifeboat_[a-z_]+/g))];
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const n of names) expect((await query(n)).data.result.length, n).toBeGreaterThan(0);
    const fresh = (await query('max by (resource, region, owner, status) (lifeboat_backup_status{status=~"stale|missing|failing"}) == 1')).data.result.map((r) => `${r.metric.resource} ${r.metric.status}`).sort();
    expect(fresh).toEqual(['billing-mysql stale', 'inventory-postgres failing']);
    await waitFor(
      async () =>
        ((await (await fetch(`http://127.0.0.1:${promPort}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; state: string }[] }[] } }).data.groups[0]!.rules.find((r) => r.name === 'LifeboatBackupOverRpo')?.state === 'pending',
      { timeout: 20_000, what: 'LifeboatBackupOverRpo to be pending (for: 15m)' },
    );
  });

  it('Alertmanager receives lifeboat alerts through its v2 API: firing, then resolved', { timeout: 120_000 }, async () => {
    const dir = await copyExampleEstate(await tmp());
    const amPort = await freePort();
    const data = await tmp();
    await writeFile(path.join(data, 'am.yml'), 'route: { receiver: none }\nreceivers: [{ name: none }]\n');
    const am = run('prometheus-alertmanager', [`--config.file=${path.join(data, 'am.yml')}`, `--storage.path=${data}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address='], data);
    servers.push(am.child);
    const alerts = async () => (await (await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`)).json()) as { labels: Record<string, string>; status: { state: string }; endsAt: string }[];
    await waitFor(async () => Array.isArray(await alerts()), { timeout: 30_000, what: `Alertmanager to answer (${am.out().slice(-300)})` });

    // The demo estate routed to Alertmanager instead of the inbox: alerts are told every second.
    const estate = (await readFile(path.join(dir, 'lifeboat.yaml'), 'utf8'))
      .replace(/ {2}sre-oncall:\n(?: {4}.*\n)+/, `  sre-oncall:\n    kind: alertmanager\n    url: http://127.0.0.1:${amPort}\n    groupWait: 0s\n    repeat: 2s\n`)
      .replace('alerts:\n', 'alerts:\n  evaluateEvery: 1s\n');
    expect(estate).toContain('kind: alertmanager');
    await writeFile(path.join(dir, 'lifeboat.yaml'), estate);
    await writeFile(path.join(dir, 'schedules/freshness.yaml'), 'job: freshness\ncron: "*/2 * * * * *"\n');
    procs.launch(['start', '--listen', 'off', '--log-format', 'json'], { cwd: dir });
    const billing = async () => (await alerts()).find((a) => a.labels.alertname === 'backup-stale' && a.labels.resource === 'billing-mysql');
    const firing = await waitFor(billing, { timeout: 60_000, what: 'the stale billing-mysql alert in Alertmanager' });
    expect(firing).toMatchObject({ labels: { severity: 'critical', subject: 'billing-mysql', region: 'ap-shanghai', owner: 'team-billing', source: 'lifeboat' }, status: { state: 'active' } });
    expect(Date.parse(firing.endsAt)).toBeGreaterThan(Date.now());

    const { gzipSync } = await import('node:zlib');
    await writeFile(path.join(dir, '.lifeboat/demo/regions/ap-shanghai/billing/billing-fresh.sql.gz'), gzipSync('-- MySQL dump\nCREATE TABLE invoices (id int);\n'));
    // Resolved: endsAt now, so Alertmanager no longer lists it as active.
    await waitFor(async () => !(await billing()), { timeout: 60_000, what: 'Alertmanager to see billing-mysql resolved' });
  });
});
