import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { copyExampleEstate } from '../helpers/example-estate.js';
import { cliProcesses } from '../helpers/spawn.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { freePort } from '../helpers/ports.js';

const tmp = useTmpDirs();
const procs = cliProcesses();
afterEach(() => procs.killAll());

/** Prometheus text as name{labels} → value, comments left out. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('/metrics from lifeboat start on the demo', () => {
  it('serves the estate: backup status and age against target, copy lag, drill results, alerts firing, deliveries', { timeout: 120_000 }, async () => {
    const dir = await copyExampleEstate(await tmp());
    const port = await freePort();
    const start = procs.launch(['start', '--listen', `127.0.0.1:${port}`, '--log-format', 'json'], { cwd: dir, stdout: true });
    const url = `http://127.0.0.1:${port}/metrics`;
    // Both drills have run (overdue on first start) and alerts have been judged.
    await waitFor(() => (start.stdout().match(/^checks: /gm) ?? []).length === 2, { timeout: 90_000, what: 'both demo drills to finish' });
    const text = await waitFor(
      async () => {
        const t = await (await fetch(url)).text();
        return samples(t).get('lifeboat_alerts_firing{rule="backup-stale",severity="critical"}') === 1 && samples(t).has('lifeboat_drill_score{drill="shop-monthly",resource="shop-postgres"}') ? t : undefined;
      },
      { timeout: 30_000, what: 'metrics with the drills and alerts' },
    );
    const res = await fetch(url);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const m = samples(text);
    const billing = 'resource="billing-mysql",region="ap-shanghai",owner="team-billing"';
    expect(m.get(`lifeboat_backup_status{${billing},status="stale"}`)).toBe(1);
    expect(m.get(`lifeboat_backup_status{${billing},status="fresh"}`)).toBe(0);
    expect(m.get(`lifeboat_backup_rpo_target_seconds{${billing}}`)).toBe(86_400);
    // The demo's billing backups stopped three days ago.
    expect(m.get(`lifeboat_backup_age_seconds{${billing}}`)).toBeGreaterThan(3 * 86_400);
    expect(m.get(`lifeboat_backup_last_verified_timestamp_seconds{${billing}}`)).toBeGreaterThan(Date.now() / 1000 - 300);
    expect(m.get('lifeboat_copy_lag_target_seconds{resource="shop-postgres",destination="ap-shanghai",owner="team-shop"}')).toBe(26 * 3600);
    expect(m.get('lifeboat_copy_lag_seconds{resource="shop-postgres",destination="ap-shanghai",owner="team-shop"}')).toBeLessThan(26 * 3600);
    const drill = 'drill="shop-monthly",resource="shop-postgres"';
    expect(m.get(`lifeboat_drill_score{${drill}}`)).toBe(100);
    expect(m.get(`lifeboat_drill_completeness_ratio{${drill}}`)).toBe(1);
    expect(m.get(`lifeboat_drill_overdue{${drill}}`)).toBe(0);
    expect(m.get(`lifeboat_drill_last_success_timestamp_seconds{${drill}}`)).toBe(m.get(`lifeboat_drill_last_run_timestamp_seconds{${drill}}`));
    expect(m.get(`lifeboat_drill_rto_seconds{${drill}}`)).toBeGreaterThan(0);
    expect(m.get('lifeboat_drill_phase_duration_seconds_count{drill="shop-monthly",phase="restore"}')).toBe(1);
    expect(m.get('lifeboat_alerts_firing{rule="backup-failing",severity="critical"}')).toBe(1);
    expect(m.get('lifeboat_ledger_records_total')).toBeGreaterThan(0);
    expect([...m.keys()].some((k) => k.startsWith('process_cpu_seconds_total'))).toBe(true);
    // No unbounded label values: no run ids, no file names.
    expect(text).not.toMatch(/shop-monthly-\d{8}T|\.sql\.gz/);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    // The demo's alert message goes out after its 10s group wait (to an inbox if one listens, else it fails and is retried): counted either way.
    await waitFor(
      async () => {
        const d = samples(await (await fetch(url)).text());
        return (d.get('lifeboat_alert_deliveries_total{route="sre-oncall",result="delivered"}') ?? 0) + (d.get('lifeboat_alert_deliveries_total{route="sre-oncall",result="failed"}') ?? 0) >= 1;
      },
      { timeout: 30_000, what: 'an alert delivery to be counted' },
    );
  });

  it('a second process on the same listener goes on without metrics and says how to give it one', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', r));
    try {
      const dir = await copyExampleEstate(await tmp());
      const start = procs.launch(['start', '--listen', `127.0.0.1:${port}`, '--log-format', 'json'], { cwd: dir });
      await waitFor(() => start.msgs().some((m) => m.startsWith('lifeboat running')), { timeout: 50_000, what: 'start to run' });
      expect(start.msgs().find((m) => m.startsWith('no metrics'))).toMatch(/cannot listen on 127\.0\.0\.1:\d+ \(another lifeboat here\? give each process --listen host:port, or off\)/);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });
});
