import { expect, it } from 'vitest';
import type { CopyRecord } from '../../../src/copy/index.js';
import type { FreshnessState, ResourceState, VerdictEntry } from '../../../src/freshness/index.js';
import type { Lease } from '../../../src/providers/index.js';
import type { Backend } from './backends.js';

const lease = (id: string, extra: Partial<Lease> = {}): Lease => ({
  id,
  runId: `run-${id}`,
  drill: 'nightly',
  sandbox: 'pg',
  kind: 'postgres',
  database: `lbdrill_${id}`,
  createdAt: '2026-03-01T10:00:00.000Z',
  owner: { host: 'host-1', pid: 77 },
  ...extra,
});

export const copyRecord = (key: string): CopyRecord => ({
  resource: 'orders',
  region: 'cold',
  key,
  size: 1234,
  mtimeMs: 1_700_000_000_000,
  sha256: 'ab'.repeat(32),
  backupTime: '2026-03-01T00:00:00.000Z',
  backupTimeSource: 'manifest',
  storageClass: 'ARCHIVE',
  verifiedAt: '2026-03-01T01:00:00.000Z',
  ok: true,
});

const resourceState = (n: number): ResourceState => ({ status: 'fresh', since: '2026-03-01T00:00:00.000Z', day: { date: '2026-03-01', checks: n, byStatus: { fresh: n }, worst: 'fresh', maxAgeMs: n * 1000 } });

const verdict = (fp: string, usable = true): VerdictEntry => ({ fingerprint: fp, verdict: { usable, bytesRead: 42, checkedAt: '2026-03-01T00:00:00.000Z', sha256: 'cd'.repeat(32), ...(usable ? {} : { reason: 'truncated' }) } });

const byId = (a: Lease, b: Lease) => (a.id < b.id ? -1 : 1);

export function documentsContract(backend: Backend): void {
  it('leases: put, list, remove; a second put of an id overwrites it', async () => {
    const { store, another } = await backend.open();
    expect(await store.leases.list()).toEqual([]);
    await store.leases.put(lease('l1'));
    await store.leases.put(lease('l2', { kind: 'mysql', user: 'u', dataDir: '/tmp/d' }));
    expect((await store.leases.list()).sort(byId)).toEqual([lease('l1'), lease('l2', { kind: 'mysql', user: 'u', dataDir: '/tmp/d' })]);
    const kept = lease('l1', { keepUntil: '2026-03-02T00:00:00.000Z' });
    await store.leases.put(kept);
    const other = await another();
    expect((await other.leases.list()).sort(byId)).toEqual([kept, lease('l2', { kind: 'mysql', user: 'u', dataDir: '/tmp/d' })]);
    await store.leases.remove('l2');
    await store.leases.remove('never-was');
    expect(await other.leases.list()).toEqual([kept]);
    await other.leases.remove('l1');
    expect(await store.leases.list()).toEqual([]);
  });

  it('copies: 20 concurrent updates through two stores each keep their record', { timeout: 60_000 }, async () => {
    const { store, another } = await backend.open();
    const other = await another();
    await store.copies.update((reg) => {
      reg['cold:seed'] = copyRecord('seed');
    });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? other : store).copies.update((reg) => {
          reg[`cold:k${i}`] = copyRecord(`k${i}`);
        }),
      ),
    );
    const reg = await store.copies.read();
    expect(Object.keys(reg).sort()).toEqual(['cold:seed', ...Array.from({ length: 20 }, (_, i) => `cold:k${i}`)].sort());
    expect(reg['cold:k7']).toEqual(copyRecord('k7'));
    expect(await other.copies.read()).toEqual(reg);
  });

  it('copies: an update that deletes a record removes it', async () => {
    const { store } = await backend.open();
    expect(await store.copies.read()).toEqual({});
    await store.copies.update((reg) => {
      reg['cold:a'] = copyRecord('a');
      reg['cold:b'] = { ...copyRecord('b'), ok: false, problem: 'sha256 differs' };
    });
    await store.copies.update((reg) => {
      delete reg['cold:a'];
    });
    expect(await store.copies.read()).toEqual({ 'cold:b': { ...copyRecord('b'), ok: false, problem: 'sha256 differs' } });
  });

  it('freshness: 20 concurrent updates through two stores each keep their key; update returns fn’s value', { timeout: 60_000 }, async () => {
    const { store, another } = await backend.open();
    const other = await another();
    expect(await store.freshness.read()).toEqual({});
    const values = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? other : store).freshness.update(async (s) => {
          // A yield inside the lock, as recordFreshness awaits its ledger append there.
          await new Promise((r) => setTimeout(r, 1));
          return { state: { ...s, [`r${i}`]: resourceState(i) }, value: `v${i}` };
        }),
      ),
    );
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`));
    const want: FreshnessState = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`r${i}`, resourceState(i)]));
    expect(await store.freshness.read()).toEqual(want);
    expect(await other.freshness.read()).toEqual(want);
  });

  it('freshness: when fn throws after its side effect, the state is unchanged and the error reaches the caller', async () => {
    const { store, another } = await backend.open();
    await store.freshness.update(async () => ({ state: { r1: resourceState(1) }, value: undefined }));
    const ledger: string[] = [];
    const boom = new Error('ledger write failed half way');
    await expect(
      store.freshness.update(async (s) => {
        ledger.push('appended');
        s.r1 = resourceState(99);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(ledger).toEqual(['appended']);
    expect(await store.freshness.read()).toEqual({ r1: resourceState(1) });
    // The lock went with the failed update: the next one, from another store, goes through.
    const other = await another();
    expect(await other.freshness.update(async (s) => ({ state: { ...s, r2: resourceState(2) }, value: 7 }))).toBe(7);
    expect(await store.freshness.read()).toEqual({ r1: resourceState(1), r2: resourceState(2) });
  });

  it('verdicts: load returns what save wrote for that version only; deletions apply', async () => {
    const { store, another } = await backend.open();
    expect((await store.verdicts.load(2)).size).toBe(0);
    const first = new Map([
      ['/b/one.dump', verdict('fp1')],
      ['/b/two.dump', verdict('fp2', false)],
    ]);
    await store.verdicts.save(2, { set: first, deleted: new Set() }, first);
    expect(await store.verdicts.load(2)).toEqual(first);
    expect((await store.verdicts.load(3)).size).toBe(0);
    expect((await store.verdicts.load(1)).size).toBe(0);
    const set = new Map([['/b/three.dump', verdict('fp3')]]);
    const all = new Map([
      ['/b/two.dump', verdict('fp2', false)],
      ['/b/three.dump', verdict('fp3')],
    ]);
    await store.verdicts.save(2, { set, deleted: new Set(['/b/one.dump']) }, all);
    expect(await (await another()).verdicts.load(2)).toEqual(all);
    // New rules: what older rules judged is not returned once verdicts of the new version are saved.
    const v3 = new Map([['/b/two.dump', verdict('fp2b')]]);
    await store.verdicts.save(3, { set: v3, deleted: new Set() }, v3);
    expect(await store.verdicts.load(3)).toEqual(v3);
    expect((await store.verdicts.load(2)).size).toBe(0);
  });
}
