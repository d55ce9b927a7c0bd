import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillRun } from '../../src/drills/index.js';
import type { Lease } from '../../src/providers/index.js';
import { openPostgresStateStore, type StateStore } from '../../src/state/index.js';
import { LATEST_VERSION, MIGRATIONS } from '../../src/state/postgres/migrations.js';
import { POSTGRES, uniqueDbName } from '../helpers/databases.js';

const DB = uniqueDbName('lbstate');
// Trust auth on the test server accepts any password: this one is here to be kept out of messages.
const PASSWORD = 'sw0rdfish-never-shown';
const url = (port = POSTGRES.port, db = DB) => `postgres://${POSTGRES.user}:${PASSWORD}@${POSTGRES.host}:${port}/${db}`;
const TABLES = ['alert_book', 'copies', 'freshness', 'leases', 'runs', 'schema_migrations', 'slots', 'verdicts'];

let admin: pg.Client;
let db: pg.Client;
const opened: StateStore[] = [];
let n = 0;
const freshSchema = () => `st_${process.pid}_${n++}`;
const open = async (schema: string) => {
  const store = await openPostgresStateStore({ url: url(), schema, max: 3 });
  opened.push(store);
  return store;
};
const versions = async (schema: string) => (await db.query<{ version: number; applied_at: Date }>(`SELECT version, applied_at FROM "${schema}".schema_migrations ORDER BY version`)).rows;

beforeAll(async () => {
  admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${DB}"`);
  db = new pg.Client({ ...POSTGRES, database: DB });
  await db.connect();
});

afterAll(async () => {
  await Promise.allSettled(opened.map((s) => s.close()));
  await db?.end().catch(() => undefined);
  await admin?.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
  await admin?.end();
});

describe('PostgreSQL state store: schema migrations', () => {
  it('creates every table from an empty database and records each version', async () => {
    const schema = freshSchema();
    const store = await open(schema);
    expect(store.kind).toBe('postgres');
    const { rows } = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schema]);
    expect(rows.map((r) => r.table_name)).toEqual(TABLES);
    expect((await versions(schema)).map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('lets several processes open a new schema at once: all succeed, each version applied once', async () => {
    const schema = freshSchema();
    await Promise.all([open(schema), open(schema), open(schema)]);
    expect((await versions(schema)).map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('applies nothing when reopened', async () => {
    const schema = freshSchema();
    await open(schema);
    const before = await versions(schema);
    await open(schema);
    expect(await versions(schema)).toEqual(before);
  });

  it('refuses a schema newer than this code, naming both versions', async () => {
    const schema = freshSchema();
    await open(schema);
    await db.query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES ($1, 'from the future')`, [LATEST_VERSION + 7]);
    await expect(openPostgresStateStore({ url: url(), schema })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `state store ${POSTGRES.host}:${POSTGRES.port}/${DB} schema ${schema} is at schema version ${LATEST_VERSION + 7}, newer than this lifeboat (${LATEST_VERSION}): upgrade lifeboat`,
    });
  });

  it('keeps two schemas in one database apart', async () => {
    const [a, b] = [await open(freshSchema()), await open(freshSchema())];
    await a.leases.put(lease('only-in-a'));
    await a.copies.update((reg) => void (reg['r:k'] = copy()));
    expect(await b.leases.list()).toEqual([]);
    expect(await b.copies.read()).toEqual({});
    expect((await a.leases.list()).map((l) => l.id)).toEqual(['only-in-a']);
  });

  it('says where it lives without the password, and fails to connect with DATABASE_UNREACHABLE that never shows it', async () => {
    const store = await open(freshSchema());
    expect(store.where).toBe(`${POSTGRES.host}:${POSTGRES.port}/${DB} schema ${store.where.split(' schema ')[1]}`);
    expect(store.where).not.toContain(PASSWORD);
    const err = await openPostgresStateStore({ url: url(1), schema: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DATABASE_UNREACHABLE', message: expect.stringMatching(/^state store 127\.0\.0\.1:1\/lbstate_\w+ schema x: /) });
    expect(String((err as Error).message)).not.toContain(PASSWORD);
    const missing = await openPostgresStateStore({ url: url(POSTGRES.port, `${DB}_missing`), schema: 'x' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'DATABASE_UNREACHABLE' });
    expect(String((missing as Error).message)).not.toContain(PASSWORD);
  });

  it('refuses a schema name that is not a plain identifier before connecting', async () => {
    await expect(openPostgresStateStore({ url: url(1), schema: 'a"; DROP SCHEMA public; --' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('PostgreSQL state store: a round trip of each part', () => {
  let store: StateStore;
  beforeAll(async () => {
    store = await open(freshSchema());
  });

  it('runs: saved whole, listed oldest first, paged newest first', async () => {
    const runs = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.001Z', '2026-01-01T00:00:00.001Z', '2026-03-05T10:00:00.500Z'].map((t, i) => run(`d-${i}`, t));
    for (const r of runs) await store.runs.save(r);
    await store.runs.save({ ...runs[0]!, phase: 'passed' });
    expect(await store.runs.get('d-0')).toEqual({ ...runs[0], phase: 'passed' });
    expect(await store.runs.get('nope')).toBeUndefined();
    expect((await store.runs.list()).map((r) => r.runId)).toEqual(['d-0', 'd-1', 'd-2', 'd-3']);
    expect((await store.runs.list({ phase: 'running' })).map((r) => r.runId)).toEqual(['d-1', 'd-2', 'd-3']);
    const first = await store.runs.page({ limit: 2 });
    expect(first.runs.map((r) => r.runId)).toEqual(['d-3', 'd-2']);
    const second = await store.runs.page({ limit: 2, cursor: first.next! });
    expect(second).toEqual({ runs: [expect.objectContaining({ runId: 'd-1' }), expect.objectContaining({ runId: 'd-0' })] });
  });

  it('leases: put, list, remove', async () => {
    await store.leases.put(lease('l1'));
    await store.leases.put({ ...lease('l1'), keepUntil: '2026-02-01T00:00:00.000Z' });
    await store.leases.put(lease('l2'));
    expect(await store.leases.list()).toEqual([{ ...lease('l1'), keepUntil: '2026-02-01T00:00:00.000Z' }, lease('l2')]);
    await store.leases.remove('l1');
    await store.leases.remove('l1');
    expect(await store.leases.list()).toEqual([lease('l2')]);
  });

  it('slots: claim, finish, and a later claim gets the result', async () => {
    const holder = { host: 'h', pid: 1 };
    const at = new Date('2026-01-01T00:00:00.123Z');
    expect(await store.slots.claim('job:1', holder, at)).toEqual({ token: 1 });
    expect(await store.slots.claim('job:1', { ...holder, pid: 2 }, at)).toEqual({ token: 2 });
    expect(await store.slots.isCurrent('job:1', 1)).toBe(false);
    expect(await store.slots.finish('job:1', 1, { stale: true }, at)).toBe(false);
    expect(await store.slots.finish('job:1', 2, { ok: true }, new Date('2026-01-01T00:01:00.000Z'))).toBe(true);
    const finished = { slot: 'job:1', token: 2, holder: { ...holder, pid: 2 }, claimedAt: at.toISOString(), result: { ok: true }, finishedAt: '2026-01-01T00:01:00.000Z' };
    expect(await store.slots.claim('job:1', holder, at)).toEqual({ finished });
    expect(await store.slots.finish('job:1', 2, { again: true }, at)).toBe(false);
    expect(await store.slots.get('job:1')).toStrictEqual(finished);
    expect(await store.slots.get('never')).toBeUndefined();
  });

  it('copies and freshness: concurrent updaters keep each other’s changes; dropped keys are deleted', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.copies.update((reg) => void (reg[`r:${i}`] = copy(i)))));
    expect(Object.keys(await store.copies.read()).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `r:${i}`));
    await store.copies.update((reg) => void delete reg['r:0']);
    expect(Object.keys(await store.copies.read())).not.toContain('r:0');
    const values = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        store.freshness.update(async (state) => {
          await new Promise((r) => setTimeout(r, 5));
          return { state: { ...state, [`s${i}`]: { status: 'fresh' } as never }, value: i };
        }),
      ),
    );
    expect(values).toEqual([0, 1, 2, 3, 4]);
    // A failing updater writes nothing and leaves the lock free for the next one.
    await expect(store.freshness.update(async () => Promise.reject(new Error('ledger down')))).rejects.toThrow('ledger down');
    await store.freshness.update(async (state) => ({ state: { ...state, s5: { status: 'fresh' } as never }, value: undefined }));
    expect(Object.keys(await store.freshness.read()).sort()).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
  });

  it('verdicts: load returns what was saved under that version; save applies sets and deletes', async () => {
    const e = (fp: string) => ({ fingerprint: fp, verdict: { usable: true, sha256: fp } as never });
    await store.verdicts.save(
      2,
      {
        set: new Map([
          ['a', e('1')],
          ['b', e('2')],
        ]),
        deleted: new Set(),
      },
      new Map(),
    );
    await store.verdicts.save(2, { set: new Map([['a', e('3')]]), deleted: new Set(['b']) }, new Map());
    expect(await store.verdicts.load(2)).toEqual(new Map([['a', e('3')]]));
    expect(await store.verdicts.load(1)).toEqual(new Map());
  });
});

function run(runId: string, startedAt: string): DrillRun {
  return { runId, drill: 'd', resource: 'r', sandbox: 's', phase: 'running', startedAt, owner: { host: 'h', pid: 1 }, steps: [] } as DrillRun;
}

function lease(id: string): Lease {
  return { id, runId: 'run', drill: 'd', sandbox: 'sb', kind: 'postgres', database: 'db', createdAt: '2026-01-01T00:00:00.000Z', owner: { host: 'h', pid: 1 } } as Lease;
}

function copy(i = 0) {
  return { resource: 'r', region: 'x', key: `k${i}`, size: 1, mtimeMs: 1, sha256: 'h', backupTime: '2026-01-01T00:00:00.000Z', verifiedAt: '2026-01-01T00:00:00.000Z', ok: true };
}
