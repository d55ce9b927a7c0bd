import { chmod, cp, mkdir, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempMariaDb, tempPostgresDb } from '../helpers/databases.js';
import { writeDump, writeEstate } from '../helpers/estate.js';
import { fillMaria, fillPostgres } from '../helpers/fixtures.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
const res = (id: string) => `  - id: ${id}\n    kind: dump-dir\n    region: local\n    path: ${id}\n    rpo: 24h\n`;
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('validate --json', () => {
  it('prints the documented summary (counts, estate path, unresolvable secrets) and exits 0', async () => {
    const dir = await tmp();
    await writeEstate(dir, res('a') + res('b'), 'credentials:\n  prod: { kind: database, user: reader, password: { env: LB_FLAGS_UNSET_SECRET } }\nsandboxes:\n  lite: { kind: pglite }\n');
    await mkdir(path.join(dir, 'drills'));
    await mkdir(path.join(dir, 'schedules'));
    await writeFile(path.join(dir, 'drills/d.yaml'), 'resource: a\nsandbox: lite\n');
    await writeFile(path.join(dir, 'schedules/sweep.yaml'), 'job: freshness\ncron: "*/5 * * * *"\n');
    await writeFile(path.join(dir, 'schedules/nightly.yaml'), 'job: drill\ndrill: d\ncron: "0 3 * * *"\n');
    const r = await runCli(['validate', '--json'], { cwd: dir, env: { LB_FLAGS_UNSET_SECRET: undefined } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: true,
      missingSecrets: ['credentials.prod.password: environment variable LB_FLAGS_UNSET_SECRET is not set'],
      estate: path.join(dir, 'lifeboat.yaml'),
      regions: 2,
      resources: 2,
      drills: 1,
      schedules: 2,
    });
    // The secret set: no warning left.
    const set = await runCli(['validate', '--json'], { cwd: dir, env: { LB_FLAGS_UNSET_SECRET: 'x' } });
    expect(JSON.parse(set.stdout)).toMatchObject({ valid: true, missingSecrets: [] });
  });
});

describe('schema --kind', () => {
  it('prints one JSON Schema to stdout, the same as the file schema -o writes, and writes nothing', { timeout: 120_000 }, async () => {
    const dir = await tmp();
    const written = await runCli(['schema', '-o', path.join(dir, 'out')], { cwd: dir });
    expect(written.code).toBe(0);
    const files = { estate: 'lifeboat.schema.json', drill: 'drill.schema.json', schedule: 'schedule.schema.json', manifest: 'manifest.schema.json', webhook: 'webhook.schema.json' };
    const cwd = await tmp();
    for (const [kind, file] of Object.entries(files)) {
      const r = await runCli(['schema', '--kind', kind], { cwd });
      expect(r.code, kind).toBe(0);
      expect(JSON.parse(r.stdout), kind).toEqual(JSON.parse(await readFile(path.join(dir, 'out', file), 'utf8')));
    }
    expect(JSON.parse((await runCli(['schema', '--kind', 'schedule'], { cwd })).stdout)).toMatchObject({ title: 'lifeboat schedule (schedules/*.yaml)' });
    expect(await readdir(cwd)).toEqual([]);
    const bad = await runCli(['schema', '--kind', 'estates'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/unknown schema kind estates: expected one of estate, drill, schedule, manifest, webhook/);
    expect(JSON.parse((await runCli(['schema', '--kind', 'webhook'], { cwd })).stdout)).toMatchObject({ title: 'lifeboat webhook payload', required: expect.arrayContaining(['id', 'alerts', 'sentAt']) });
  });
});

describe('ledger verify --dir', () => {
  it('checks a copied ledger folder where there is no estate; names an edited line', async () => {
    const dir = await tmp();
    await writeEstate(dir, res('a') + res('b'));
    await writeDump(dir, 'a', 'a.sql', { at: hoursAgo(1) });
    expect((await runCli(['check'], { cwd: dir })).code).toBe(1);
    const copy = path.join(await tmp(), 'evidence');
    await cp(path.join(dir, 'ledger'), copy, { recursive: true });
    const elsewhere = await tmp();
    const ok = await runCli(['ledger', 'verify', '--dir', copy], { cwd: elsewhere });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ledger ok: 2 records, head #2 [0-9a-f]{64}\n {2}records: {4}2 read, each hash and link checked\n/);
    const json = JSON.parse((await runCli(['ledger', 'verify', '--dir', copy, '--json'], { cwd: elsewhere })).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ ledger: copy, ok: true, records: 2, headSeq: 2, problems: [] });

    const file = path.join(copy, 'ledger.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[0] = lines[0]!.replace('"subject":"a"', '"subject":"z"');
    await writeFile(file, lines.join('\n'));
    const broken = await runCli(['ledger', 'verify', '--dir', copy], { cwd: elsewhere });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/ledger BROKEN: /);
    expect(broken.stdout).toMatch(/line 1: edited: record #1 at line 1 was edited/);
    // The original folder is untouched and still verifies.
    expect((await runCli(['ledger', 'verify'], { cwd: dir })).code).toBe(0);
  });
});

describe('manifest --name-time', () => {
  it('takes the consistent point from the file name, and refuses a template the name does not hold', async () => {
    const dir = await tmp();
    const content = '-- MySQL dump 10.13\nCREATE TABLE `t` (id int);\nINSERT INTO `t` VALUES (1),(2);\n-- Dump completed on 2026-11-20 02:03:04\n';
    const file = await writeDump(dir, 'm', 'shop-20261120T020304Z.sql', { at: hoursAgo(5), content });
    const r = await runCli(['manifest', file, '--name-time', '{YYYY}{MM}{DD}T{hh}{mm}{ss}Z', '-o', '-'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ file: 'shop-20261120T020304Z.sql', consistentPoint: '2026-11-20T02:03:04.000Z', consistentPointSource: 'name' });
    // --at wins over the name.
    const at = await runCli(['manifest', file, '--name-time', '{YYYY}{MM}{DD}T{hh}{mm}{ss}Z', '--at', '2026-11-20T01:00:00Z', '-o', '-'], { cwd: dir });
    expect(JSON.parse(at.stdout)).toMatchObject({ consistentPoint: '2026-11-20T01:00:00.000Z', consistentPointSource: 'given' });

    // Asked to read the name, lifeboat never silently falls back to the file's mtime.
    for (const template of ['{YYYY}-{MM}-{DD}', 'shop-T']) {
      const bad = await runCli(['manifest', file, '--name-time', template], { cwd: dir });
      expect(bad.code, template).toBe(2);
      expect(bad.stderr, template).toMatch(template === 'shop-T' ? /--name-time shop-T: expected a template with at least \{YYYY\}/ : /--name-time \{YYYY\}-\{MM\}-\{DD\}: the name shop-20261120T020304Z\.sql holds no time in this form/);
    }
    expect(await exists(`${file}.manifest.json`)).toBe(false);
  });
});

describe('manifest --from-db without a file', () => {
  it('prints a manifest of the live database itself, on MariaDB and PostgreSQL, with equal checksums for equal data', async () => {
    const maria = await tempMariaDb();
    const pgdb = await tempPostgresDb();
    try {
      await fillMaria(maria.conn);
      await fillPostgres(pgdb.client);
      const dir = await tmp();
      const before = Date.now();
      const m = await runCli(['manifest', '--from-db', `mysql://root@127.0.0.1:3306/${maria.name}`, '-o', '-'], { cwd: dir });
      expect(m.code, m.stderr).toBe(0);
      const p = await runCli(['manifest', '--from-db', `postgres://postgres@127.0.0.1:5432/${pgdb.name}`, '-o', path.join(dir, 'pg.manifest.json'), '--json'], { cwd: dir });
      expect(p.code, p.stderr).toBe(0);
      expect(JSON.parse(p.stdout)).toMatchObject({ wrote: path.join(dir, 'pg.manifest.json'), tables: 2, rows: 14, checksums: 2, size: null, sha256: null });

      type M = { consistentPoint: string; tables: { schema: string; name: string; rows: number; checksum: string }[]; [k: string]: unknown };
      const mm = JSON.parse(m.stdout) as M;
      const pm = JSON.parse(await readFile(path.join(dir, 'pg.manifest.json'), 'utf8')) as M;
      expect(mm).toMatchObject({ version: 1, consistentPointSource: 'database', engine: 'mysql', database: maria.name, checksumAlgorithm: 'lifeboat-v1', objects: { views: ['recent_items'], routines: ['count_items'], triggers: ['items_audit'] } });
      expect(pm).toMatchObject({
        version: 1,
        consistentPointSource: 'database',
        engine: 'postgres',
        database: pgdb.name,
        checksumAlgorithm: 'lifeboat-v1',
        objects: { views: ['public.recent_items'], routines: ['public.log_item'], triggers: ['items_audit'] },
      });
      for (const x of [mm, pm]) {
        expect(x.size).toBeUndefined();
        expect(x.sha256).toBeUndefined();
        expect(Date.parse(x.consistentPoint)).toBeGreaterThanOrEqual(before - 1000);
        expect(Date.parse(x.consistentPoint)).toBeLessThanOrEqual(Date.now());
        expect(x.tables.map((t) => [t.name, t.rows]).sort()).toEqual([
          ['audit_log', 7],
          ['items', 7],
        ]);
        for (const t of x.tables) expect(t.checksum).toMatch(/^\d+$/);
      }
      const sum = (x: M, name: string) => x.tables.find((t) => t.name === name)!.checksum;
      expect(sum(mm, 'items')).toBe(sum(pm, 'items'));
      expect(sum(mm, 'audit_log')).toBe(sum(pm, 'audit_log'));

      // --at names the consistent point instead of the snapshot's time.
      const at = await runCli(['manifest', '--from-db', `mysql://root@127.0.0.1:3306/${maria.name}`, '--at', '2026-11-22T02:00:00Z', '-o', '-'], { cwd: dir });
      expect(JSON.parse(at.stdout)).toMatchObject({ consistentPoint: '2026-11-22T02:00:00.000Z', consistentPointSource: 'given' });
      // Neither a file nor a database: a usage error.
      expect((await runCli(['manifest'], { cwd: dir })).code).toBe(2);
    } finally {
      await maria.drop();
      await pgdb.drop();
    }
  });
});

describe('copy run --policy and copy verify --sample', () => {
  it('copies only the named policy; re-hashes only the N copies verified longest ago, in turn', { timeout: 150_000 }, async () => {
    const dir = await tmp();
    await writeEstate(dir, res('a') + res('b'), 'copies:\n  - { name: first, resources: [a], to: [other], keep: 1, lag: 26h }\n  - { name: second, resources: [b], to: [other], keep: 1, lag: 26h }\n');
    await writeDump(dir, 'a', 'a1.sql', { at: hoursAgo(2), content: '-- backup of a\n' });
    await writeDump(dir, 'b', 'b1.sql', { at: hoursAgo(2), content: '-- backup of b\n' });

    const first = await runCli(['copy', 'run', '--policy', 'first', '--json'], { cwd: dir });
    expect(first.code).toBe(0);
    const results = (JSON.parse(first.stdout) as { results: Record<string, unknown>[] }).results;
    expect(results).toEqual([expect.objectContaining({ policy: 'first', resource: 'a', from: 'local', to: 'other', key: 'a/a1.sql', outcome: 'copied' })]);
    expect(await readdir(path.join(dir, 'region2'))).toEqual(['a']);

    const unknown = await runCli(['copy', 'run', '--policy', 'third'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown copy policy third: expected one of first, second/);

    const second = await runCli(['copy', 'run', '--policy', 'second'], { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/b\s+b\/b1\.sql\s+other\s+copied/);
    expect(second.stdout).toMatch(/1 copied .*, 0 already in place, 0 problem\(s\)/);
    expect(second.stdout).not.toMatch(/a\/a1\.sql/);

    // Rot b's copy in place (same size, same mtime): only a re-hash can tell.
    const copyOfB = path.join(dir, 'region2/b/b1.sql');
    const st = await stat(copyOfB);
    await chmod(copyOfB, 0o644);
    await writeFile(copyOfB, '-- backup of B\n');
    await utimes(copyOfB, st.atime, st.mtime);

    // a was verified longest ago: --sample 1 re-hashes a alone, so b's rot is not seen yet.
    const one = await runCli(['copy', 'verify', '--sample', '1'], { cwd: dir });
    expect(one.stdout.trim()).toBe('1 copies re-hashed, 0 bad');
    expect(one.code).toBe(0);
    // Now b is the one verified longest ago.
    const two = await runCli(['copy', 'verify', '--sample', '1', '--json'], { cwd: dir });
    expect(two.code).toBe(1);
    expect(JSON.parse(two.stdout)).toEqual({ checked: 1, bad: [{ region: 'other', key: 'b/b1.sql', problem: expect.stringMatching(/^content changed: sha256 [0-9a-f]{12}…, was [0-9a-f]{12}… when verified$/) }] });
    // Without --sample: both.
    const all = await runCli(['copy', 'verify'], { cwd: dir });
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/^2 copies re-hashed, 1 bad\n! b\/b1\.sql in other: content changed/);

    for (const n of ['0', 'two', '1.5']) {
      const bad = await runCli(['copy', 'verify', '--sample', n], { cwd: dir });
      expect(bad.code, n).toBe(2);
      expect(bad.stderr, n).toMatch(/--sample: expected a positive whole number/);
    }
  });
});
