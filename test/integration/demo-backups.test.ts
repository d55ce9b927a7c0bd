import { readFileSync } from 'node:fs';
import { cp, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import { sweepFreshness } from '../../src/freshness/index.js';
import { JOB_HANDLERS } from '../../src/jobs/index.js';
import { createRuntime } from '../../src/main/runtime.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const T = new Date('2026-11-22T01:48:00Z');
const H = 3_600_000;
const REGIONS = '.lifeboat/demo/regions';

/** Backup files (not manifests) in a demo resource's folder, sorted. */
const backups = async (dir: string, sub: string) => (await readdir(path.join(dir, REGIONS, sub))).filter((n) => n.endsWith('.sql.gz')).sort();

describe('the demo-backups job (schedules/demo-backups.yaml)', () => {
  it("fills each demo resource's newest backup slots up to now, once; a later run adds only new slots; the estate then looks as the README's tour says", async () => {
    const dir = await tmp();
    await cp(path.join(REPO_ROOT, 'lifeboat.yaml'), path.join(dir, 'lifeboat.yaml'));
    await cp(path.join(REPO_ROOT, 'schedules'), path.join(dir, 'schedules'), { recursive: true });
    await cp(path.join(REPO_ROOT, 'drills'), path.join(dir, 'drills'), { recursive: true });
    const config = await loadConfig(path.join(dir, 'lifeboat.yaml'));
    const schedule = config.schedules.get('demo-backups')!;
    // What lifeboat start schedules: hourly, at five past, in the demo's time zone.
    expect(schedule).toMatchObject({ job: 'demo-backups', cron: '5 * * * *', timezone: 'Asia/Shanghai', enabled: true });

    const runAt = async (now: Date) => {
      const rt = await createRuntime(config, { clock: fixedClock(now), logger: silentLogger, env: {} });
      try {
        return await JOB_HANDLERS[schedule.job]({ runtime: rt, signal: new AbortController().signal }, schedule);
      } finally {
        await rt.close();
      }
    };

    expect(await runAt(T)).toEqual({ ok: true, summary: '18 new demo backup(s)' });
    expect(await backups(dir, 'ap-beijing/shop/mysql')).toEqual(['shop-20261120T000000Z.sql.gz', 'shop-20261121T000000Z.sql.gz', 'shop-20261122T000000Z.sql.gz']);
    expect(await backups(dir, 'ap-beijing/shop/postgres')).toEqual(['shop-20261121T060000Z.sql.gz', 'shop-20261121T120000Z.sql.gz', 'shop-20261121T180000Z.sql.gz', 'shop-20261122T000000Z.sql.gz']);
    expect(await backups(dir, 'ap-beijing/crm')).toEqual(['crm-20261121T230000Z.sql.gz', 'crm-20261122T000000Z.sql.gz', 'crm-20261122T010000Z.sql.gz']);
    expect(await backups(dir, 'ap-shanghai/orders')).toEqual(['orders-20261112T000000Z.sql.gz', 'orders-20261119T000000Z.sql.gz']);
    // Its backup job "stopped" three days ago.
    expect(await backups(dir, 'ap-shanghai/billing')).toEqual(['billing-20261117T000000Z.sql.gz', 'billing-20261118T000000Z.sql.gz', 'billing-20261119T000000Z.sql.gz']);
    expect(await backups(dir, 'ap-beijing/inventory')).toEqual(['inventory-20261121T000000Z.sql.gz', 'inventory-20261121T120000Z.sql.gz', 'inventory-20261122T000000Z.sql.gz']);
    // The newest inventory dump was cut off mid-write; the crm job writes no manifests.
    expect(() => gunzipSync(readFileSync(path.join(dir, REGIONS, 'ap-beijing/inventory/inventory-20261122T000000Z.sql.gz')))).toThrow(/unexpected end of file/);
    expect((await readdir(path.join(dir, REGIONS, 'ap-beijing/crm'))).filter((n) => n.endsWith('.manifest.json'))).toEqual([]);
    // The shop-postgres dumps are exports of the demo's production database: its canary beat at the slot is in them.
    const manifest = JSON.parse(await readFile(path.join(dir, REGIONS, 'ap-beijing/shop/postgres/shop-20261122T000000Z.sql.gz.manifest.json'), 'utf8')) as { consistentPoint: string; tables: { name: string; rows: number; checksum?: string }[] };
    expect(manifest.consistentPoint).toBe('2026-11-22T00:00:00.000Z');
    expect(manifest.tables.find((t) => t.name === 'lifeboat_canary')).toMatchObject({ rows: 4, checksum: expect.any(String) });
    expect(gunzipSync(readFileSync(path.join(dir, REGIONS, 'ap-beijing/shop/postgres/shop-20261122T000000Z.sql.gz'))).toString()).toContain('2026-11-22 00:00:00+00\tdemo:shop-postgres');

    // Idempotent: the same slots are not written again; an hour later only the new hourly slot appears, and nothing is removed.
    expect(await runAt(T)).toEqual({ ok: true, summary: '0 new demo backup(s)' });
    expect(await runAt(new Date(T.getTime() + H))).toEqual({ ok: true, summary: '1 new demo backup(s)' });
    expect(await backups(dir, 'ap-beijing/crm')).toEqual(['crm-20261121T230000Z.sql.gz', 'crm-20261122T000000Z.sql.gz', 'crm-20261122T010000Z.sql.gz', 'crm-20261122T020000Z.sql.gz']);

    const rt = await createRuntime(config, { clock: fixedClock(new Date(T.getTime() + H)), logger: silentLogger, env: {} });
    const { results } = await sweepFreshness(config, rt);
    await rt.close();
    expect(Object.fromEntries(results.map((r) => [r.resource, r.status]))).toEqual({
      'shop-mysql': 'fresh',
      'shop-postgres': 'fresh',
      'crm-mysql': 'fresh',
      'orders-archive': 'fresh',
      'billing-mysql': 'stale',
      'inventory-postgres': 'failing',
    });
    expect(results.find((r) => r.resource === 'shop-mysql')!.newestUsable).toMatchObject({ name: 'shop-20261122T000000Z.sql.gz', timeSource: 'manifest', ageMs: 168 * 60_000 });
    expect(results.find((r) => r.resource === 'inventory-postgres')!.reason).toMatch(/^newest backup inventory-20261122T000000Z\.sql\.gz: gzip does not decompress to its end/);
  }, 180_000);
});
