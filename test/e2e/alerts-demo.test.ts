import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { copyExampleEstate } from '../helpers/example-estate.js';
import { cliProcesses } from '../helpers/spawn.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { freePort } from '../helpers/ports.js';

const tmp = useTmpDirs();
const procs = cliProcesses();
afterEach(() => procs.killAll());

interface Arrival {
  ok: boolean;
  signed?: boolean;
  error?: string;
  payload?: { id: string; status: string; title: string; alerts: { fingerprint: string; reason: string; status: string }[] };
}

describe('alerts on the demo estate', () => {
  it('billing-mysql stale: told once, repeated, not again after a restart, muted by a silence, resolved by a fresh backup; every message signed', { timeout: 150_000 }, async () => {
    const dir = await copyExampleEstate(await tmp());
    const port = await freePort();
    // The demo as shipped, made quick: its route on a free port repeating every 4s, rules judged every second, freshness every 2s.
    const estate = (await readFile(path.join(dir, 'lifeboat.yaml'), 'utf8'))
      .replace('http://127.0.0.1:9095/lifeboat', `http://127.0.0.1:${port}/lifeboat`)
      .replace('    groupWait: 10s\n', '    groupWait: 1s\n    repeat: 4s\n')
      .replace('alerts:\n', 'alerts:\n  evaluateEvery: 1s\n');
    expect(estate).toContain('repeat: 4s');
    await writeFile(path.join(dir, 'lifeboat.yaml'), estate);
    await writeFile(path.join(dir, 'schedules/freshness.yaml'), 'job: freshness\ncron: "*/2 * * * * *"\n');

    const inbox = procs.launch(['alerts', 'inbox', '--json', '--log-format', 'json'], { cwd: dir, stdout: true });
    const arrivals = (): Arrival[] =>
      inbox
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Arrival);
    const billing = (reason?: string) => arrivals().flatMap((a) => (a.payload?.alerts ?? []).filter((x) => x.fingerprint === 'backup-stale:billing-mysql' && (!reason || x.reason === reason)));
    await waitFor(() => inbox.msgs().some((m) => m.startsWith('inbox for route sre-oncall')), { timeout: 20_000, what: 'the inbox to listen' });

    let start = procs.launch(['start', '--log-format', 'json'], { cwd: dir });
    await waitFor(() => billing('firing').length === 1, { timeout: 60_000, what: 'the stale billing-mysql alert to arrive' });
    await waitFor(() => billing('repeat').length >= 1, { timeout: 20_000, what: 'a repeat after 4s' });

    // A restart: the state remembers what was told, so nothing is told as new.
    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
    start = procs.launch(['start', '--log-format', 'json'], { cwd: dir });
    await waitFor(() => start.msgs().some((m) => m.startsWith('lifeboat running')), { timeout: 60_000, what: 'lifeboat to run again' });
    const repeatsBefore = billing('repeat').length;
    await waitFor(() => billing('repeat').length > repeatsBefore, { timeout: 20_000, what: 'repeats to go on after the restart' });
    expect(billing('firing')).toHaveLength(1);

    // A silence: no more repeats while it holds.
    const silenced = await runCli(['alerts', 'silence', 'add', '--resource', 'billing-mysql', '--for', '1h', '--reason', 'billing backups move to a new host', '--by', 'e2e', '--json'], { cwd: dir });
    expect(silenced.code).toBe(0);
    const silence = JSON.parse(silenced.stdout) as { id: string };
    const listed = await runCli(['alerts', '--json'], { cwd: dir });
    await waitFor(
      async () =>
        (JSON.parse((await runCli(['alerts', '--json'], { cwd: dir })).stdout) as { alerts: { fingerprint: string; silencedBy: string | null }[] }).alerts.find((a) => a.fingerprint === 'backup-stale:billing-mysql')?.silencedBy === silence.id
          ? true
          : undefined,
      { timeout: 10_000, what: 'the alert to show as silenced' },
    );
    expect(listed.code).toBe(1);
    const mutedAt = billing().length;
    await new Promise((r) => setTimeout(r, 9000));
    expect(billing().length).toBe(mutedAt);

    // A fresh backup: resolved, and told even though silenced (an incident its firing opened can close).
    await writeFile(path.join(dir, '.lifeboat/demo/regions/ap-shanghai/billing/billing-fresh.sql.gz'), gzipSync('-- MySQL dump\nCREATE TABLE invoices (id int);\n'));
    await waitFor(() => billing('resolved').length === 1, { timeout: 30_000, what: 'the resolve' });

    expect(billing('firing')).toHaveLength(1);
    expect(arrivals().every((a) => a.ok && a.signed)).toBe(true);
    const ledger = await runCli(['alerts', 'silence', 'list', '--json'], { cwd: dir });
    expect(JSON.parse(ledger.stdout)).toMatchObject([{ id: silence.id, matchers: { resource: 'billing-mysql' }, createdBy: 'e2e', reason: 'billing backups move to a new host' }]);
  });
});
