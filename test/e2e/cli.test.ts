import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { writeDump, writeEstate } from '../helpers/estate.js';
import { copyExampleEstate } from '../helpers/example-estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
const res = (id: string) => `  - id: ${id}\n    kind: dump-dir\n    region: local\n    path: ${id}\n    rpo: 24h\n`;

/** A copy of the repo's example estate in a temp folder, as a newcomer's clone would have it. */
async function exampleCopy(): Promise<string> {
  return copyExampleEstate(await tmp());
}

describe('lifeboat CLI', () => {
  it('validate: exit 0 on the example estate', async () => {
    const r = await runCli(['validate'], { cwd: await exampleCopy(), env: { LIFEBOAT_SANDBOX_PASSWORD: undefined } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/valid: 2 regions, 6 resources, 2 drills, 6 schedules/);
    expect(r.stdout).toMatch(/warning: credentials\.sandbox-admin\.password: environment variable LIFEBOAT_SANDBOX_PASSWORD is not set/);
    expect(r.code).toBe(0);
  });

  it('validate: three unrelated mistakes, all reported with file:line:column and path, exit 2', async () => {
    const dir = await exampleCopy();
    const estate = await readFile(path.join(dir, 'lifeboat.yaml'), 'utf8');
    await writeFile(path.join(dir, 'lifeboat.yaml'), estate.replace('    rpo: 6h\n', '    rpo: six hours\n'));
    await writeFile(path.join(dir, 'drills/shop-monthly.yaml'), (await readFile(path.join(dir, 'drills/shop-monthly.yaml'), 'utf8')).replace('sandbox: demo-pglite', 'sandbox: demo-pglight'));
    await writeFile(path.join(dir, 'schedules/freshness.yaml'), 'job: freshness\ncron: "* * * * *"\ntimezone: Asia/Shanghai\nenabeld: true\n');
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/3 problems in the configuration/);
    expect(r.stderr).toMatch(/lifeboat\.yaml:\d+:10 resources\[1\]\.rpo: expected a duration like 90s, 15m, 24h, 35d or 1h30m, got "six hours"/);
    expect(r.stderr).toMatch(/drills\/shop-monthly\.yaml:\d+:10 sandbox: unknown sandbox "demo-pglight": expected one of demo-pglite, mysql-sandbox/);
    expect(r.stderr).toMatch(/schedules\/freshness\.yaml:4:1 enabeld: unknown field "enabeld"/);
  });

  it('check: table and exit 0 when all fresh; JSON with documented fields and exit 1 when not', async () => {
    const dir = await tmp();
    await writeEstate(dir, res('good') + res('old'));
    await writeDump(dir, 'good', 'a.sql', { at: hoursAgo(1) });
    const fresh = await runCli(['check', '--resource', 'good'], { cwd: dir });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/good\s+local\s+a\.sql \(mtime\)\s+1h(\d+s)?\s+1d\s+FRESH/);

    await writeDump(dir, 'old', 'b.sql.gz', { at: hoursAgo(50), gzip: true });
    const r = await runCli(['check', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { summary: Record<string, number>; copySummary: Record<string, number>; results: Record<string, unknown>[] };
    expect(out.summary).toEqual({ fresh: 1, stale: 1, failing: 0, missing: 0, unknown: 0 });
    expect(out.copySummary).toEqual({ fresh: 0, stale: 0, failing: 0, missing: 0, unknown: 0 });
    expect(out.results[1]).toMatchObject({
      resource: 'old',
      status: 'stale',
      reason: expect.stringMatching(/2d2h old, over target 1d/),
      newestUsable: { name: 'b.sql.gz', region: 'local', timeSource: 'mtime', size: expect.any(Number), ageMs: expect.any(Number), time: expect.any(String) },
      rpoMs: 86_400_000,
      graceMs: 0,
      backups: 1,
      checkedAt: expect.any(String),
    });
  });

  it('check: a large estate is listed in one batch off the main thread, and the command still exits', async () => {
    const dir = await tmp();
    const ids = Array.from({ length: 250 }, (_, i) => `r${i}`);
    await writeEstate(dir, ids.map(res).join(''));
    for (const id of ids.slice(0, 200)) await writeDump(dir, id, 'a.sql', { at: hoursAgo(2) });
    const r = await runCli(['check', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { summary: Record<string, number> };
    expect(out.summary).toMatchObject({ fresh: 200, missing: 50 });
  });

  it('check: a truncated .sql.gz makes its resource failing with the reason shown', async () => {
    const dir = await tmp();
    await writeEstate(dir, res('db'));
    await writeDump(dir, 'db', 'x.sql.gz', { at: hoursAgo(1), gzip: true, truncate: true, content: 'x'.repeat(10_000) + Math.random() });
    const r = await runCli(['check'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILING\s+newest backup x\.sql\.gz: gzip does not decompress to its end/);
    expect(r.stdout).toMatch(/! db is failing/);
  });

  it('check: exit 2 on a config error', async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, 'lifeboat.yaml'), 'version: 2\n');
    expect((await runCli(['check'], { cwd: dir })).code).toBe(2);
  });

  it('ledger verify: 0 when intact, 1 naming the edited record', async () => {
    const dir = await tmp();
    await writeEstate(dir, res('a') + res('b') + res('c'));
    await writeDump(dir, 'a', 'a.sql', { at: hoursAgo(1) });
    await runCli(['check'], { cwd: dir });
    expect((await runCli(['ledger', 'verify'], { cwd: dir })).stdout).toMatch(/ledger ok: 3 records/);
    const file = path.join(dir, 'ledger/ledger.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[1] = lines[1]!.replace('"to":"missing"', '"to":"fresh"');
    await writeFile(file, lines.join('\n'));
    const r = await runCli(['ledger', 'verify'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/line 2: edited: record #2 at line 2 was edited/);
  });

  it('manifest: writes the sidecar once; refuses to replace it without --force', async () => {
    const dir = await tmp();
    const content = '-- MySQL dump 10.13\nCREATE TABLE `t` (id int);\nINSERT INTO `t` VALUES (1),(2),(3);\n-- Dump completed on 2026-11-20 02:00:00\n';
    const file = await writeDump(dir, 'm', 'shop.sql', { at: new Date('2026-11-20T02:00:00Z'), content });
    const r = await runCli(['manifest', file], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 tables, 3 rows/);
    const m = JSON.parse(await readFile(`${file}.manifest.json`, 'utf8')) as Record<string, unknown>;
    expect(m).toMatchObject({ version: 1, file: 'shop.sql', consistentPoint: '2026-11-20T02:00:00.000Z', consistentPointSource: 'mtime', engine: 'mysql', tables: [{ name: 't', rows: 3 }] });
    expect((await runCli(['manifest', file], { cwd: dir })).code).toBe(2);
    const again = await runCli(['manifest', file, '--at', '2026-11-20T01:59:00Z', '-o', '-'], { cwd: dir });
    expect(JSON.parse(again.stdout)).toMatchObject({ consistentPoint: '2026-11-20T01:59:00.000Z', consistentPointSource: 'given' });
  });

  it('manifest --from-db: never prints the password from the DSN', async () => {
    const r = await runCli(['manifest', '--from-db', 'mysql://root:TopSecret123@127.0.0.1:1/nothing'], { cwd: await tmp() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot connect to mysql:\/\/root:REDACTED@127\.0\.0\.1:1\/nothing/);
    expect(r.stdout + r.stderr).not.toContain('TopSecret123');
  });

  it('schema: writes a JSON Schema per file kind', async () => {
    const dir = await tmp();
    const r = await runCli(['schema', '--out', path.join(dir, 's')], { cwd: dir });
    expect(r.code).toBe(0);
    expect((await readdir(path.join(dir, 's'))).sort()).toEqual(['drill.schema.json', 'lifeboat.schema.json', 'manifest.schema.json', 'schedule.schema.json', 'webhook.schema.json']);
  });

  it('start: builds the demo, shows the freshness table with the stale and failing ones called out, stops cleanly on SIGTERM', async () => {
    const dir = await exampleCopy();
    const child = spawn(process.execPath, [BIN, 'start', '--log-format', 'json'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Building the demo (a PGlite production database, its dumps and copies) takes seconds, more on a busy CI machine.
    // Three concurrent heavy runs on this 2-core machine once took over 90 s.
    const deadline = Date.now() + 150_000;
    while (!stderr.includes('lifeboat running') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stderr.includes('lifeboat running'), `not running after 150 s; its log ends:\n${stderr.slice(-2000)}`).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    expect(stdout).toContain('6 resources: 4 fresh, 1 stale, 1 failing; 2 copy destinations: 2 fresh');
    expect(stdout).toMatch(/! billing-mysql is stale: newest usable backup is \dd\d*h? ?\S* old/);
    expect(stdout).toMatch(/! inventory-postgres is failing: newest backup inventory-\d{8}T\d{6}Z\.sql\.gz: gzip does not decompress to its end/);
    const logs = stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string });
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['demo estate ready', 'stopped']));
    expect((await readdir(path.join(dir, '.lifeboat/demo/regions/ap-beijing/shop/mysql'))).some((n) => n.endsWith('.sql.gz.manifest.json'))).toBe(true);
    expect((await runCli(['ledger', 'verify'], { cwd: dir })).code).toBe(0);
  }, 240_000);
});
