import mysql from 'mysql2/promise';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrill } from '../../src/drills/index.js';
import { sandboxLeftovers, tempMariaDb } from '../helpers/databases.js';
import { drillEstate, drillRuntime, estatePrefix, placeDump, run } from '../helpers/drill-estate.js';
import { fillMaria, ROWS } from '../helpers/fixtures.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

/** This test's sandboxes on the server: named with its estate's own prefix. */
const leftovers = (dir: string) => sandboxLeftovers('maria', estatePrefix(dir));

describe('drills into a MariaDB sandbox', () => {
  let src: Awaited<ReturnType<typeof tempMariaDb>>;
  let plain: string;
  let withDatabases: string;

  beforeAll(async () => {
    src = await tempMariaDb();
    await fillMaria(src.conn);
    // mysqldump writes BLOBs as raw bytes: keep the dump byte-exact (latin1 round-trips every byte).
    const dump = (extra: string[]) =>
      run('mysqldump', ['-h127.0.0.1', '-uroot', '--routines', '--triggers', '--single-transaction', ...extra, src.name], { maxBuffer: 1 << 28, encoding: 'buffer' }).then((r) => (r.stdout as Buffer).toString('latin1'));
    plain = await dump([]);
    withDatabases = await dump(['--databases', '--add-drop-database']);
  });
  afterAll(async () => {
    await src?.drop();
  });

  it.each([
    ['plain', () => plain],
    ['--databases --add-drop-database', () => withDatabases],
  ])('restores a mysqldump (%s), verifies rows, checksums and objects, passes, and leaves nothing behind', async (_n, dump) => {
    const dir = await tmp();
    await drillEstate(dir);
    await placeDump(dir, 'db.sql.gz', Buffer.from(dump(), 'latin1'), { gzip: true, dsn: `mysql://root@127.0.0.1:3306/${src.name}` });
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    const result = await runDrill('to-maria', rt);
    expect(result.error).toBeUndefined();
    expect(result.checks!.filter((c) => !c.passed)).toEqual([]);
    expect(result.phase).toBe('passed');
    expect(result.score).toMatchObject({ passed: true, completeness: { achieved: 1 } });
    const kinds = result.checks!.map((c) => `${c.kind}:${c.name}`);
    expect(kinds.sort()).toEqual(['checksum:audit_log', 'checksum:items', 'row-count:audit_log', 'row-count:items', 'schema-object:routine count_items', 'schema-object:trigger items_audit', 'schema-object:view recent_items']);
    expect(result.steps.map((s) => s.name)).toEqual(['locate', 'thaw', 'fetch', 'provision', 'restore', 'verify', 'score', 'teardown']);
    expect(await leftovers(dir)).toEqual([]);
    const ledger = (await readFile(`${dir}/ledger/ledger.jsonl`, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: { phase?: string; phases?: object } });
    expect(ledger.map((r) => r.type)).toEqual(['drill.started', 'drill.finished']);
    expect(ledger[1]!.data.phases).toMatchObject({ locate: expect.any(Number), restore: expect.any(Number), verify: expect.any(Number), cleanup: expect.any(Number) });
  });

  it('fails the right check, with expected and actual, when a row is deleted, a value changed or a table is missing', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    const file = await placeDump(dir, 'db.sql', Buffer.from(plain, 'latin1'), { dsn: `mysql://root@127.0.0.1:3306/${src.name}` });
    const manifest = await readFile(`${file}.manifest.json`, 'utf8');
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);

    const tamper = async (sql: string) => {
      await placeDump(dir, 'db.sql', Buffer.from(sql, 'latin1'), { manifest: false });
      await import('node:fs/promises').then((fs) => fs.writeFile(`${file}.manifest.json`, JSON.stringify({ ...JSON.parse(manifest), size: undefined, sha256: undefined })));
      return runDrill('to-maria', rt);
    };

    const firstRow = "(1,'plain',NULL,'2026-01-02 03:04:05'),";
    expect(plain).toContain(firstRow);
    const deleted = await tamper(plain.replace(firstRow, ''));
    expect(deleted.error).toBeUndefined();
    expect(deleted.phase).toBe('partially-failed');
    expect(deleted.checks!.find((c) => c.kind === 'row-count' && c.name === 'items')).toMatchObject({ passed: false, expected: ROWS.length, actual: ROWS.length - 1 });
    // Row count and checksum of items fail; the other five checks (audit_log, the view, routine and trigger) pass: 5/7 of the weight.
    expect(
      deleted
        .checks!.filter((c) => !c.passed)
        .map((c) => `${c.kind}:${c.name}`)
        .sort(),
    ).toEqual(['checksum:items', 'row-count:items']);
    expect(deleted.checks).toHaveLength(7);
    expect(deleted.score).toMatchObject({ outcome: 'failed', passed: false, completeness: { achieved: 5 / 7, passed: false }, reasons: ['completeness: 71.4% of check weight passed, target 100.0%'] });

    const changed = await tamper(plain.replace("'plain'", "'plane'"));
    expect(changed.phase).toBe('partially-failed');
    expect(changed.checks!.find((c) => c.kind === 'checksum' && c.name === 'items')).toMatchObject({ passed: false, message: expect.stringMatching(/items: content differs from the manifest/) });
    expect(changed.checks!.find((c) => c.kind === 'row-count' && c.name === 'items')!.passed).toBe(true);

    // The whole section mysqldump writes for the table: structure, locks, data.
    const missing = await tamper(plain.replace(/--\n-- Table structure for table `audit_log`[\s\S]*?(?=--\n-- Table structure for table)/, ''));
    expect(missing.error).toBeUndefined();
    expect(missing.checks!.find((c) => c.name === 'audit_log' && c.kind === 'row-count')).toMatchObject({ passed: false, actual: 'table missing', message: 'table audit_log is missing from the restored copy' });
    expect(await leftovers(dir)).toEqual([]);
  });

  it('fails a truncated dump with a clear error and tears the sandbox down', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    const cut = plain.slice(0, Math.floor(plain.length * 0.7));
    await placeDump(dir, 'db.sql', Buffer.from(cut, 'latin1'), { manifest: false });
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(
        `${dir}/region/db/db.sql.manifest.json`,
        JSON.stringify({
          version: 1,
          tables: [
            { name: 'items', rows: ROWS.length },
            { name: 'audit_log', rows: ROWS.length },
          ],
        }),
      ),
    );
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    const r = await runDrill('to-maria', rt);
    expect(r.phase).toBe('failed');
    // The restore step fails on the cut statement; nothing is verified, so completeness is 0 and the drill scores 0.
    expect(r.error).toMatch(/^the dump ends inside a statement \(line \d+\): truncated\?$/);
    expect(r.steps.map((s) => [s.name, s.ok, s.error])).toEqual([
      ['locate', true, undefined],
      ['thaw', true, undefined],
      ['fetch', true, undefined],
      ['provision', true, undefined],
      ['restore', false, r.error],
      ['score', true, undefined],
      ['teardown', true, undefined],
    ]);
    expect(r.score).toMatchObject({ outcome: 'failed', passed: false, score: 0, completeness: { achieved: 0, passed: false }, reasons: ['the backup was not restored and verified: no target can be met'] });
    expect(await leftovers(dir)).toEqual([]);
  });

  it('keeps a dump that names other databases inside the sandbox: the other database is untouched', async () => {
    const victim = await tempMariaDb();
    try {
      await victim.conn.query('CREATE TABLE precious (id INT); INSERT INTO precious VALUES (1), (2), (3);');
      const dir = await tmp();
      await drillEstate(dir);
      const hostile = [
        `DROP DATABASE IF EXISTS \`${victim.name}\`;`,
        `CREATE DATABASE IF NOT EXISTS \`${victim.name}\`;`,
        `USE \`${victim.name}\`;`,
        'CREATE TABLE t (id INT);',
        'INSERT INTO t VALUES (1),(2);',
        `use ${victim.name}`,
        'INSERT INTO t VALUES (3);',
        '',
      ].join('\n');
      await placeDump(dir, 'db.sql', hostile, { manifest: false });
      await import('node:fs/promises').then((fs) => fs.writeFile(`${dir}/region/db/db.sql.manifest.json`, JSON.stringify({ version: 1, tables: [{ name: 't', rows: 3 }] })));
      const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
      const r = await runDrill('to-maria', rt);
      expect(r.error).toBeUndefined();
      expect(r.checks!.filter((c) => !c.passed)).toEqual([]);
      expect(r.phase).toBe('passed');
      expect((r.steps.find((s) => s.name === 'restore')!.details!.skipped as { reason: string }[]).map((s) => s.reason)).toEqual(['own-database', 'own-database', 'own-database', 'own-database']);
      const [rows] = await victim.conn.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM precious');
      expect(Number(rows[0]!.n)).toBe(3);
      const [tables] = await victim.conn.query<mysql.RowDataPacket[]>('SHOW TABLES');
      expect(tables).toHaveLength(1);
    } finally {
      await victim.drop();
    }
  });

  it('refuses a sandbox on a production server before writing anything', async () => {
    const dir = await tmp();
    await drillEstate(dir, { sandboxHost: 'localhost', sourceYaml: `    source: { engine: mysql, host: 127.0.0.1, port: 3306, database: ${src.name} }\n` });
    await placeDump(dir, 'db.sql', Buffer.from(plain, 'latin1'), { manifest: false });
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    await expect(runDrill('to-maria', rt)).rejects.toThrow(/sandbox maria \(localhost:3306\) is the server of production resource db .* refused before writing anything/);
    expect(await leftovers(dir)).toEqual([]);
    expect(await rt.leases.list()).toEqual([]);
  });
});
