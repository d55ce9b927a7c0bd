import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { drillEstate, placeDump } from '../helpers/drill-estate.js';
import { leftoversOf, ownDrill } from '../helpers/own-drills.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const env = { LB_TEST_EMPTY: '' };
const DUMP = '-- MySQL dump 10.13\nCREATE TABLE `t` (`id` int);\nINSERT INTO `t` VALUES (1),(2);\n-- Dump completed on 2026-11-22  2:00:00\n';

/** Nothing a run writes: no ledger records, no run, no lease. */
async function nothingWritten(dir: string): Promise<void> {
  const ledger = await readFile(`${dir}/ledger/ledger.jsonl`, 'utf8').catch(() => '');
  expect(ledger).toBe('');
  for (const sub of ['runs', 'leases']) expect(await readdir(`${dir}/state/${sub}`).catch(() => [])).toEqual([]);
}

describe('drill run --dry-run', () => {
  it('ready: names the backup it would restore, the sandbox and the guard, exits 0, and creates, runs and ledgers nothing', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    const at = new Date(Date.now() - 3_600_000);
    await placeDump(dir, 'db.sql', DUMP, { at });
    const size = (await stat(`${dir}/region/db/db.sql`)).size;
    const name = await ownDrill(dir, 'dry', 'resource: db\nsandbox: maria\n');
    const r = await runCli(['-c', `${dir}/lifeboat.yaml`, 'drill', 'run', name, '--dry-run'], { env });
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`drill ${name}: ready`);
    expect(lines).toContain(`  ✓ backup: db.sql (${size} bytes, ${at.toISOString()} from manifest) is usable; engine mysql`);
    expect(lines).toContain('  ✓ sandbox: maria (mysql) reachable with the rights to create a database and a user');
    expect(lines.find((l) => l.startsWith('  ✓ guard: '))).toMatch(/^ {2}✓ guard: 127\.0\.0\.1:3306 \(.+\) is no production resource's server$/);
    expect(lines.filter((l) => l.includes('✗'))).toEqual([]);
    expect(r.code).toBe(0);
    expect(await leftoversOf('maria', name)).toEqual([]);
    await nothingWritten(dir);
  });

  it('not ready: each problem named (no usable backup, a sandbox that does not answer), exit 1, JSON on request, still nothing written', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await writeFile(`${dir}/region/db/db.sql.gz`, 'not gzip at all');
    await writeFile(`${dir}/lifeboat.yaml`, (await readFile(`${dir}/lifeboat.yaml`, 'utf8')).replace('  lite:', '  nowhere: { kind: postgres, host: 127.0.0.1, port: 1, credentials: pg-admin }\n  lite:'));
    const name = await ownDrill(dir, 'drybad', 'resource: db\nsandbox: nowhere\n');
    const r = await runCli(['-c', `${dir}/lifeboat.yaml`, 'drill', 'run', name, '--dry-run'], { env });
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`drill ${name}: NOT READY`);
    expect(lines).toContain('  ✗ backup: no usable backup of db matches "latest"; unusable: db.sql.gz (gzip does not decompress to its end (incorrect header check))');
    expect(lines.find((l) => l.startsWith('  ✗ sandbox: '))).toMatch(/127\.0\.0\.1:1/);
    expect(r.code).toBe(1);

    const json = await runCli(['-c', `${dir}/lifeboat.yaml`, 'drill', 'run', name, '--dry-run', '--json'], { env });
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { drill: string; ready: boolean; refused?: string; checks: { name: string; ok: boolean }[] };
    expect(parsed).toMatchObject({ drill: name, ready: false });
    expect(parsed.refused).toBeUndefined();
    expect(parsed.checks.map((c) => [c.name, c.ok])).toEqual([
      ['backup', false],
      ['sandbox', false],
      ['guard', true],
    ]);
    await nothingWritten(dir);
  });
});
