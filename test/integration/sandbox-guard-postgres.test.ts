import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { dryRunDrill, guardSandbox, runDrill } from '../../src/drills/index.js';
import { createDatabaseReader, type SandboxProvider } from '../../src/providers/index.js';
import { drillEstate, drillRuntime, placeDump } from '../helpers/drill-estate.js';
import { leftoversOf, ownDrill } from '../helpers/own-drills.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

/** Production is the PostgreSQL on 127.0.0.1:5432, read with the admin profile (the test's only login). */
const prodYaml = (host: string, port = 5432, extra = '') => `    source: { engine: postgres, host: "${host}", port: ${port}, database: postgres${extra} }\n`;

const ledgerOf = async (dir: string) =>
  (await readFile(`${dir}/ledger/ledger.jsonl`, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });

describe('the sandbox guard on PostgreSQL', () => {
  it.each(['localhost', '::ffff:127.0.0.1', '0.0.0.0'])('refuses a postgres sandbox at %s when production is 127.0.0.1:5432: nothing created, no run or lease, the refusal ledgered', async (alias) => {
    const dir = await tmp();
    await drillEstate(dir, { sandboxHost: `"${alias}"`, sourceYaml: prodYaml('127.0.0.1') });
    await placeDump(dir, 'db.sql', 'CREATE TABLE t (a int);\n', { manifest: false });
    const name = await ownDrill(dir, 'pgguard', 'resource: db\nsandbox: pg\n');
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    await expect(runDrill(name, rt)).rejects.toThrow(
      new RegExp(`^sandbox pg \\(${alias.replace(/[.]/g, '\\.')}:5432\\) is the server of production resource db \\(127\\.0\\.0\\.1:5432/postgres, both on this machine\\): refused before writing anything$`),
    );
    expect(await leftoversOf('pg', name)).toEqual([]);
    expect(await rt.leases.list()).toEqual([]);
    expect(await rt.runs.list()).toEqual([]);
    await rt.close();
    expect((await ledgerOf(dir)).map((r) => [r.type, r.data.sandbox, r.data.resource])).toEqual([['drill.refused', 'pg', 'db']]);
  });

  it('refuses by identity a sandbox under another name that the server says is production, when source.credentials lets lifeboat ask', async () => {
    const dir = await tmp();
    await drillEstate(dir, { sourceYaml: prodYaml('db.prod.internal', 5432, ', credentials: pg-admin') });
    const { config, rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    const real = await rt.sandbox('pg');
    const disguised: SandboxProvider = { ...real, server: { host: 'sandbox.dr.internal', port: 6432 } };
    // DNS is the test's: production's name reaches the real server, the sandbox's name another address.
    const resolveHost = async (h: string) => (h === 'db.prod.internal' ? ['127.0.0.1'] : ['10.9.8.7']);
    // Production's name does not resolve on this machine: a reader at 127.0.0.1 answers for it, with the same login.
    const atLocal = async () => createDatabaseReader({ engine: 'postgres', host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', safe: 'x' }).identity();
    await expect(guardSandbox(config, 'pg', disguised, { resolveHost, sourceIdentity: atLocal })).rejects.toThrow(
      /sandbox pg \(sandbox\.dr\.internal:6432\) is the server of production resource db \(db\.prod\.internal:5432\/postgres, both say they are PostgreSQL .*\): refused before writing anything/,
    );
    // The runtime's own asker tries db.prod.internal, which does not answer: then addresses decide, and they differ.
    await expect(guardSandbox(config, 'pg', disguised, { resolveHost, sourceIdentity: rt.sourceIdentity })).resolves.toMatch(/^sandbox\.dr\.internal:6432 \(PostgreSQL .*\) is no production resource's server$/);
    await rt.close();
  });

  it('lets a postgres sandbox run when production is another server: another port, or a MySQL source on the same machine', async () => {
    const dir = await tmp();
    await drillEstate(dir, { sourceYaml: prodYaml('127.0.0.1', 5433) + '  - id: other\n    kind: dump-dir\n    region: local\n    path: other\n    source: { engine: mysql, host: 127.0.0.1, port: 5432, database: shop }\n' });
    await placeDump(dir, 'db.sql', 'CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\n');
    const name = await ownDrill(dir, 'pgallow', 'resource: db\nsandbox: pg\n');
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    const dry = await dryRunDrill(name, rt);
    expect(dry.refused).toBeUndefined();
    expect(dry.checks.find((c) => c.name === 'guard')).toEqual({ name: 'guard', ok: true, detail: expect.stringMatching(/^127\.0\.0\.1:5432 \(PostgreSQL .*\) is no production resource's server$/) });
    const run = await runDrill(name, rt);
    expect(run.error).toBeUndefined();
    expect(run.phase).toBe('passed');
    expect(await leftoversOf('pg', name)).toEqual([]);
    await rt.close();
    expect((await ledgerOf(dir)).map((r) => r.type)).toEqual(['drill.started', 'drill.finished']);
  });
});
