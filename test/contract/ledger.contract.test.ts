import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import { createFsLedger, createRedisLedger, type Ledger } from '../../src/ledger/index.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const clock = fixedClock('2026-11-22T00:00:00Z');
const redis = new Redis('redis://127.0.0.1:6379');
const keys: string[] = [];

afterAll(async () => {
  for (const k of keys) {
    const found = await redis.keys(`${k}:*`);
    if (found.length) await redis.del(...found);
  }
  await redis.quit();
});

interface Backend {
  /** Two handles on one shared ledger, as two workers would have. */
  open(): Promise<{ a: Ledger; b: Ledger; editRecord(position: number, edit: (json: Record<string, unknown>) => void): Promise<void> }>;
}

const backends: Record<string, Backend> = {
  file: {
    async open() {
      const dir = await tmp();
      const { readFile, writeFile } = await import('node:fs/promises');
      return {
        a: createFsLedger({ dir, clock, logger: silentLogger }),
        b: createFsLedger({ dir, clock, logger: silentLogger }),
        async editRecord(position, edit) {
          const lines = (await readFile(`${dir}/ledger.jsonl`, 'utf8')).split('\n');
          const json = JSON.parse(lines[position - 1]!) as Record<string, unknown>;
          edit(json);
          lines[position - 1] = JSON.stringify(json);
          await writeFile(`${dir}/ledger.jsonl`, lines.join('\n'));
        },
      };
    },
  },
  redis: {
    async open() {
      const key = `lbtest-${randomBytes(4).toString('hex')}:ledger`;
      keys.push(key);
      return {
        a: createRedisLedger({ redis, key, clock, logger: silentLogger }),
        b: createRedisLedger({ redis, key, clock, logger: silentLogger }),
        async editRecord(position, edit) {
          const json = JSON.parse((await redis.lindex(`${key}:records`, position - 1))!) as Record<string, unknown>;
          edit(json);
          await redis.lset(`${key}:records`, position - 1, JSON.stringify(json));
        },
      };
    },
  },
};

/** Every ledger backend keeps the same promises; this suite is what a new backend must pass. */
describe.each(Object.entries(backends))('ledger contract: %s', (_name, backend) => {
  it('chains appends in order and verifies clean', async () => {
    const { a } = await backend.open();
    await a.append({ type: 't', subject: 's', data: { i: 1 } });
    await a.appendMany([{ type: 't', subject: 's', data: { i: 2 } }, { type: 't', subject: 's', data: { i: 3 } }]);
    const all = [];
    for await (const r of a.records()) all.push(r);
    expect(all.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(all[2]!.prev).toBe(all[1]!.hash);
    expect(await a.verify()).toMatchObject({ ok: true, records: 3, headSeq: 3 });
    await a.close();
  });

  it('keeps one chain when two writers append at once', async () => {
    const { a, b } = await backend.open();
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => a.append({ type: 'a', subject: 'x', data: { i } })),
      ...Array.from({ length: 40 }, (_, i) => b.append({ type: 'b', subject: 'x', data: { i } })),
    ]);
    expect(await a.verify()).toMatchObject({ ok: true, records: 80 });
    await Promise.all([a.close(), b.close()]);
  });

  it('names an edited record by position', async () => {
    const { a, editRecord } = await backend.open();
    for (let i = 1; i <= 4; i++) await a.append({ type: 't', subject: 's', data: { i } });
    await editRecord(3, (r) => ((r.data as { i: number }).i = 33));
    const report = await a.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'edited', position: 3, seq: 3 })]);
    await a.close();
  });
});
