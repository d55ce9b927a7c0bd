import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dryRunDrill, runDrill } from '../../src/drills/index.js';
import { sandboxLeftovers, tempPostgresDb } from '../helpers/databases.js';
import { drillEstate, drillRuntime, estatePrefix, placeDump, run } from '../helpers/drill-estate.js';
import { fillPostgres, ROWS } from '../helpers/fixtures.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { STOPPED_IN_RESTORE, stepsOf } from '../helpers/drill-steps.js';

const tmp = useTmpDirs();

/** This test's sandboxes on the server: named with its estate's own prefix. */
const leftovers = (dir: string) => sandboxLeftovers('pg', estatePrefix(dir));

describe('drills into PostgreSQL and PGlite sandboxes', () => {
  let src: Awaited<ReturnType<typeof tempPostgresDb>>;
  let dsn: string;

  beforeAll(async () => {
    src = await tempPostgresDb();
    await fillPostgres(src.client);
    dsn = `postgres://postgres@127.0.0.1:5432/${src.name}`;
  });
  afterAll(async () => {
    await src?.drop();
  });

  it.each([
    ['pg_dump plain into postgres', 'to-pg', [] as string[], 'db.sql'],
    ['pg_dump --create plain into postgres', 'to-pg', ['--create'], 'db.sql'],
    ['pg_dump -Fc into postgres', 'to-pg', ['-Fc'], 'db.dump'],
    ['pg_dump plain into pglite', 'to-lite', [], 'db.sql'],
  ])('%s: rows, checksums and objects verified, passed, nothing left', async (_n, drill, extra, name) => {
    const dir = await tmp();
    await drillEstate(dir);
    const file = `${dir}/region/db/${name}`;
    await run('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', ...extra, '-f', file, src.name]);
    const { readFile } = await import('node:fs/promises');
    await placeDump(dir, name, await readFile(file), { dsn });
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    const r = await runDrill(drill, rt);
    expect(r.error).toBeUndefined();
    expect(r.checks!.filter((c) => !c.passed)).toEqual([]);
    expect(r.phase).toBe('passed');
    expect(r.checks!.map((c) => `${c.kind}:${c.name}`)).toEqual(expect.arrayContaining(['row-count:public.items', 'checksum:public.items', 'schema-object:view public.recent_items', 'schema-object:trigger items_audit']));
    expect(r.checks!.find((c) => c.name === 'public.items' && c.kind === 'row-count')!.actual).toBe(ROWS.length);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('dry run: reports readiness and writes nothing', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await placeDump(dir, 'db.sql', '-- PostgreSQL database dump\nCREATE TABLE t (a int);\n');
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    const ready = await dryRunDrill('to-pg', rt);
    expect(ready).toMatchObject({
      ready: true,
      checks: [
        { name: 'backup', ok: true },
        { name: 'sandbox', ok: true },
        { name: 'guard', ok: true },
      ],
    });
    expect(await rt.runs.list()).toEqual([]);
    expect(await leftovers(dir)).toEqual([]);
    expect(await dryRunDrill('to-maria', rt)).toMatchObject({ ready: false, checks: expect.arrayContaining([{ name: 'backup', ok: false, detail: 'backup db.sql is a postgres dump but sandbox maria is mysql' }]) });
    const { rt: broken } = await drillRuntime(`${dir}/lifeboat.yaml`);
    (broken as { sandbox: unknown }).sandbox = async () => ({ ...(await rt.sandbox('pg')), probe: async () => ['role lacks CREATEDB and CREATEROLE'] });
    expect(await dryRunDrill('to-pg', broken)).toMatchObject({ ready: false, checks: expect.arrayContaining([{ name: 'sandbox', ok: false, detail: 'role lacks CREATEDB and CREATEROLE' }]) });
  });

  it('refuses a postgres dump for a mysql sandbox before provisioning anything', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await placeDump(dir, 'db.sql', '--\n-- PostgreSQL database dump\n--\nCREATE TABLE t (a int);\n');
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    await expect(runDrill('to-maria', rt)).rejects.toThrow(/is a postgres dump but sandbox maria is mysql/);
    expect(await rt.leases.list()).toEqual([]);
  });
});

describe('drill limits', () => {
  it('a drill that runs out of its timeout fails (a result), and still tears its sandbox down', async () => {
    const dir = await tmp();
    await drillEstate(dir, { drillYaml: 'timeout: 3s\n' });
    // A restore that cannot finish in any time (not a big one assumed to take longer than 1 s on this machine).
    await placeDump(dir, 'slow.sql', `--\n-- PostgreSQL database dump\n--\nCREATE TABLE public.t (a int, b text);\nCOPY public.t (a, b) FROM stdin;\n1\tone\n\\.\nSELECT pg_sleep(600);\n`, { manifest: false });
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    // A server sandbox: a PGlite one may spend seconds of a 3 s budget starting on a busy machine.
    const r = await runDrill('to-pg', rt);
    expect(r).toMatchObject({ phase: 'failed', error: 'drill timed out after 3s' });
    // Stopped in the restore, and torn down after.
    expect(stepsOf(r)).toEqual(STOPPED_IN_RESTORE);
    expect(await rt.leases.list()).toEqual([]);
  });
});
