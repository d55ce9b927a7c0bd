import mysql from 'mysql2/promise';
import { access, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/index.js';
import { runDrill, sweepLeases } from '../../src/drills/index.js';
import { runCli } from '../helpers/cli.js';
import { MARIADB } from '../helpers/databases.js';
import { drillEstate, drillRuntime, placeDump } from '../helpers/drill-estate.js';
import { leftoversOf, ownDrill } from '../helpers/own-drills.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const NOW = new Date('2026-11-22T02:00:00Z');
const H = 3_600_000;

const DUMP = 'CREATE TABLE t (id INT PRIMARY KEY);\nINSERT INTO t VALUES (1), (2);\n';
/** Passes or fails on an assertion alone, so the restore itself always works. */
const keepDrill = (sandbox: string, want: number) => `resource: db
sandbox: ${sandbox}
teardown: { keep-on-failure: 2h }
checks:
  assertions:
    - { name: rows, sql: "SELECT count(*) FROM t", equals: ${want} }
`;

async function tablesIn(database: string): Promise<string[]> {
  const c = await mysql.createConnection(MARIADB);
  try {
    const [rows] = await c.query<mysql.RowDataPacket[]>('SELECT table_name AS n FROM information_schema.tables WHERE table_schema = ?', [database]);
    return rows.map((r) => String(r.n));
  } finally {
    await c.end();
  }
}

const ledgerTypes = async (dir: string) =>
  (await readFile(`${dir}/ledger/ledger.jsonl`, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; subject: string; data: Record<string, unknown> });

describe('teardown: keep-on-failure', () => {
  it('a failed drill keeps its sandbox (restored data in it) and says where; the sweep leaves it until its time is up, then drops it, ledgered', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await placeDump(dir, 'db.sql', DUMP, { at: new Date(NOW.getTime() - H) });
    const name = await ownDrill(dir, 'keepf', keepDrill('maria', 5));
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`, NOW);
    const run = await runDrill(name, rt);
    expect(run.phase).toBe('partially-failed');
    const until = new Date(NOW.getTime() + 2 * H).toISOString();
    const [database] = await leftoversOf('maria', name);
    expect(run.kept).toEqual({ until, database });
    expect(run.steps.find((s) => s.name === 'teardown')).toMatchObject({ ok: true, details: { keptUntil: until, database } });
    expect(await tablesIn(database!)).toEqual(['t']);
    const leases = await rt.leases.list();
    expect(leases).toEqual([expect.objectContaining({ runId: run.runId, database, keepUntil: until })]);

    // Within its time, the sweep keeps it, saying why.
    const early = await sweepLeases({ ...rt, clock: fixedClock(new Date(NOW.getTime() + H)) });
    expect(early.kept).toEqual([{ lease: expect.objectContaining({ database }), why: `kept for debugging until ${until}` }]);
    expect(early.removed).toEqual([]);
    expect(await leftoversOf('maria', name)).toEqual([database]);

    // Its time up, it goes: database and user, lease, one ledger record.
    const late = await sweepLeases({ ...rt, clock: fixedClock(new Date(NOW.getTime() + 2 * H + 1000)) });
    expect(late.removed.map((l) => l.database)).toEqual([database]);
    expect(await leftoversOf('maria', name)).toEqual([]);
    expect(await rt.leases.list()).toEqual([]);
    await rt.close();
    const swept = (await ledgerTypes(dir)).filter((r) => r.type === 'sandbox.swept');
    expect(swept).toEqual([expect.objectContaining({ subject: run.runId, data: expect.objectContaining({ database, sandbox: 'maria', user: leases[0]!.user }) })]);
  });

  it('a passed drill with keep-on-failure removes its sandbox as usual', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await placeDump(dir, 'db.sql', DUMP, { at: new Date(NOW.getTime() - H) });
    const name = await ownDrill(dir, 'keepp', keepDrill('maria', 2));
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`, NOW);
    const run = await runDrill(name, rt);
    expect(run.phase).toBe('passed');
    expect(run.kept).toBeUndefined();
    expect(run.steps.find((s) => s.name === 'teardown')!.details).toEqual({ removed: expect.stringMatching(/^lbdrill_([a-z0-9]+_)?keepp/) });
    expect(await leftoversOf('maria', name)).toEqual([]);
    expect(await rt.leases.list()).toEqual([]);
    await rt.close();
  });

  it('drill run prints where a kept sandbox is, and exits (PGlite in a folder: the folder stays; in memory: not kept, since it ends with the process)', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    const estate = await readFile(`${dir}/lifeboat.yaml`, 'utf8');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dir}/lifeboat.yaml`, estate.replace('  lite: {', '  litedisk: { kind: pglite, dataDir: kept/pglite }\n  lite: {'));
    await placeDump(dir, 'db.sql', DUMP.replace(' PRIMARY KEY', ''));
    const onDisk = await ownDrill(dir, 'keepd', keepDrill('litedisk', 5));
    const inMemory = await ownDrill(dir, 'keepm', keepDrill('lite', 5));
    const env = { LB_TEST_EMPTY: '' };

    // Before the fix, the PGlite thread of a kept sandbox held the process open for ever.
    const disk = await runCli(['-c', `${dir}/lifeboat.yaml`, 'drill', 'run', onDisk, '--json'], { env });
    expect(disk.code).toBe(1);
    const kept = JSON.parse(disk.stdout) as { runId: string; kept: { until: string; database: string } };
    expect(kept.kept).toEqual({ until: expect.any(String), database: expect.stringMatching(/^lbdrill_([a-z0-9]+_)?keepd/) });
    await access(path.join(dir, 'kept/pglite', kept.runId, 'PG_VERSION'));
    const text = await runCli(['-c', `${dir}/lifeboat.yaml`, 'drill', 'show', kept.runId], { env });
    expect(text.stdout).toContain(`sandbox kept for debugging until ${kept.kept.until}: database ${kept.kept.database} in sandbox litedisk`);

    const mem = await runCli(['-c', `${dir}/lifeboat.yaml`, 'drill', 'run', inMemory, '--json'], { env });
    expect(mem.code).toBe(1);
    const gone = JSON.parse(mem.stdout) as { runId: string; kept?: unknown; steps: { name: string; details?: Record<string, unknown> }[] };
    expect(gone.kept).toBeUndefined();
    expect(gone.steps.find((s) => s.name === 'teardown')!.details).toEqual({ removed: expect.stringMatching(/^lbdrill_([a-z0-9]+_)?keepm/), notKept: 'sandbox lite is in memory and ends with this process: give it a dataDir to keep it' });
    expect((await readdir(`${dir}/state/leases`)).sort()).toEqual([`${kept.runId}.json`]);

    // The sweep, once the time is up, removes the kept folder too.
    const later = await drillRuntime(`${dir}/lifeboat.yaml`, new Date(Date.now() + 3 * H));
    const swept = await sweepLeases(later.rt);
    expect(swept.removed.map((l) => l.runId)).toEqual([kept.runId]);
    await expect(access(path.join(dir, 'kept/pglite', kept.runId))).rejects.toThrow(/ENOENT/);
    await later.rt.close();
  }, 240_000);
});
