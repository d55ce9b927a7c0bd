import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/index.js';
import { sweepLeases } from '../../src/drills/index.js';
import type { Lease } from '../../src/providers/index.js';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MARIADB, POSTGRES } from '../helpers/databases.js';
import { drillEstate, drillRuntime } from '../helpers/drill-estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const NOW = new Date('2026-11-22T02:00:00Z');
const H = 3_600_000;

/** A lease as a drill in this very process (alive) would have written it, `ageH` hours ago. */
function lease(sandbox: 'maria' | 'pg', ageH: number): Lease {
  const tag = randomBytes(4).toString('hex');
  return {
    id: `stale-${tag}`,
    runId: `stale-${tag}`,
    drill: 'stale',
    sandbox,
    kind: sandbox === 'maria' ? 'mysql' : 'postgres',
    database: `lbdrill_stale_${tag}`,
    user: `lbrun_stale${tag}`,
    createdAt: new Date(NOW.getTime() - ageH * H).toISOString(),
    owner: { host: hostname(), pid: process.pid },
  };
}

/** Which of these databases and users exist on the server. */
async function existing(server: 'maria' | 'pg', names: string[]): Promise<string[]> {
  if (server === 'maria') {
    const c = await mysql.createConnection(MARIADB);
    const [dbs] = await c.query<mysql.RowDataPacket[]>('SELECT schema_name AS n FROM information_schema.schemata WHERE schema_name IN (?)', [names]);
    const [users] = await c.query<mysql.RowDataPacket[]>('SELECT user AS n FROM mysql.user WHERE user IN (?)', [names]);
    await c.end();
    return [...dbs, ...users].map((r) => String(r.n)).sort();
  }
  const c = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await c.connect();
  const { rows } = await c.query<{ n: string }>('SELECT datname AS n FROM pg_database WHERE datname = ANY($1) UNION ALL SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [names]);
  await c.end();
  return rows.map((r) => r.n).sort();
}

describe('the sweep of stale leases', () => {
  it.each(['maria', 'pg'] as const)('%s: a lease older than 24 h is swept though its owner lives, its database and user dropped and the sweep ledgered; a younger one stays', async (sandbox) => {
    const dir = await tmp();
    await drillEstate(dir);
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`, NOW);
    const provider = await rt.sandbox(sandbox);
    const old = lease(sandbox, 25);
    const young = lease(sandbox, 23);
    const server = sandbox;
    try {
      for (const l of [old, young]) {
        await rt.leases.put(l);
        await provider.create(l);
      }
      const all = [old.database, old.user!, young.database, young.user!];
      expect(await existing(server, all)).toEqual([...all].sort());

      const r = await sweepLeases(rt);
      expect(r.removed.map((l) => l.id)).toEqual([old.id]);
      expect(r.kept).toEqual([{ lease: expect.objectContaining({ id: young.id }), why: `drill still running (pid ${process.pid} on ${hostname()})` }]);
      expect([r.failed, r.stuck]).toEqual([[], []]);
      expect(await existing(server, all)).toEqual([young.database, young.user!].sort());
      expect((await rt.leases.list()).map((l) => l.id)).toEqual([young.id]);
      await rt.close();
      const ledger = (await readFile(`${dir}/ledger/ledger.jsonl`, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; subject: string; data: unknown });
      expect(ledger).toEqual([expect.objectContaining({ type: 'sandbox.swept', subject: old.runId, data: { lease: old.id, sandbox, database: old.database, user: old.user } })]);

      // Two hours later the younger one is past the limit too.
      const again = await drillRuntime(`${dir}/lifeboat.yaml`, NOW);
      const r2 = await sweepLeases({ ...again.rt, clock: fixedClock(new Date(NOW.getTime() + 2 * H)) });
      expect(r2.removed.map((l) => l.id)).toEqual([young.id]);
      expect(await existing(server, all)).toEqual([]);
      await again.rt.close();
    } finally {
      await provider.destroy(old).catch(() => undefined);
      await provider.destroy(young).catch(() => undefined);
    }
  });
});
