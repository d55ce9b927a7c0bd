import { randomBytes } from 'node:crypto';
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeDump } from '../helpers/estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const REDIS_URL = 'redis://127.0.0.1:6379';
const KEY = `lbtest:${randomBytes(6).toString('hex')}:ledger`;
const redis = new Redis(REDIS_URL);

afterAll(async () => {
  const keys = await redis.keys(`${KEY}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('the Redis ledger, configured in the estate', () => {
  it('lifeboat check appends to it, ledger verify checks it (records, head, witness) and names an edited record', async () => {
    const dir = await tmp();
    await writeFile(
      path.join(dir, 'lifeboat.yaml'),
      `version: 1
ledger: { backend: redis, key: "${KEY}", witness: { kind: redis } }
stateDir: state
regions:
  local: { kind: local, path: region }
resources:
  - { id: fresh, kind: dump-dir, region: local, path: fresh, rpo: 24h }
  - { id: gone, kind: dump-dir, region: local, path: gone, rpo: 24h }
`,
    );
    await writeDump(dir, 'fresh', 'a.sql', { at: new Date(Date.now() - 3_600_000) });
    const config = ['-c', path.join(dir, 'lifeboat.yaml')];
    const env = { REDIS_URL };

    const check = await runCli([...config, 'check'], { env });
    expect(check.code).toBe(1);
    // Deprecated, and the person running it is told what to move to.
    expect(check.stderr).toMatch(/ledger backend redis is deprecated and will be removed: move to backend postgres/);
    // One status change per resource (the first check counts as one), in Redis, none on disk.
    const records = (await redis.lrange(`${KEY}:records`, 0, -1)).map((l) => JSON.parse(l) as { seq: number; type: string; subject: string });
    expect(records.map((r) => [r.seq, r.type])).toEqual([
      [1, 'freshness.status-changed'],
      [2, 'freshness.status-changed'],
    ]);
    expect(records.map((r) => r.subject).sort()).toEqual(['fresh', 'gone']);
    await expect(access(path.join(dir, '.lifeboat'))).rejects.toThrow(/ENOENT/);
    expect(JSON.parse((await redis.get(`${KEY}:head`))!)).toMatchObject({ seq: 2 });
    expect(JSON.parse((await redis.get(`${KEY}:witness`))!)).toMatchObject({ seq: 2 });

    const ok = await runCli([...config, 'ledger', 'verify'], { env });
    expect(ok.stdout).toMatch(new RegExp(`^ledger ok: 2 records, head #2 [0-9a-f]{64}$`, 'm'));
    expect(ok.code).toBe(0);

    // Anyone who can write the key can edit a record: verify says which.
    const first = await redis.lindex(`${KEY}:records`, 0);
    await redis.lset(`${KEY}:records`, 0, first!.replace(/"subject":"(fresh|gone)"/, '"subject":"forged"'));
    const broken = await runCli([...config, 'ledger', 'verify', '--json'], { env });
    expect(broken.code).toBe(1);
    const report = JSON.parse(broken.stdout) as { ledger: string; ok: boolean; problems: { seq?: number; line?: number; kind: string }[] };
    expect(report.ledger).toBe(`redis ${KEY}`);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'edited' });

    // Without REDIS_URL the estate cannot be used: a config error, not a silent file ledger.
    const noUrl = await runCli([...config, 'check'], { env: { REDIS_URL: undefined } });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/needs REDIS_URL/);
  });
});
