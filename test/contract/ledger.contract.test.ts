import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import {
  createDirWitness,
  createFsLedger,
  createPgLedger,
  createRedisLedger,
  createRedisWitness,
  createSigner,
  createVerifier,
  generateLedgerKeyPair,
  parsePrivateKey,
  parsePublicKey,
  type Ledger,
  type SealingOptions,
} from '../../src/ledger/index.js';
import { hashRecord } from '../../src/ledger/record.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const clock = fixedClock('2026-11-22T00:00:00Z');
const redis = new Redis('redis://127.0.0.1:6379');
const keys: string[] = [];

// A superuser connection: what an insider with the tables' owner rights could do.
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const pgAdmin = new pg.Pool({ connectionString: PG_URL, max: 2 });
const pgRun = `lbledger_${randomBytes(4).toString('hex')}`;
const schemas: string[] = [];

afterAll(async () => {
  for (const k of keys) {
    const found = await redis.keys(`${k}*`);
    if (found.length) await redis.del(...found);
  }
  await redis.quit();
  for (const s of schemas) await pgAdmin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await pgAdmin.end();
});

/** Runs `fn` with the append-only triggers off (as the owner can), then turns them back on. */
async function pgTamper(schema: string, fn: (c: pg.PoolClient) => Promise<void>): Promise<void> {
  const c = await pgAdmin.connect();
  const tables = [`"${schema}".ledger_records`, `"${schema}".ledger_seals`];
  try {
    await c.query('BEGIN');
    for (const t of tables) await c.query(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
    await fn(c);
    for (const t of tables) await c.query(`ALTER TABLE ${t} ENABLE TRIGGER USER`);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  } finally {
    c.release();
  }
}

const pair = generateLedgerKeyPair();
const publicKey = parsePublicKey(pair.publicKey);
const keyed = (): SealingOptions => ({ verifier: createVerifier(publicKey), signer: createSigner(parsePrivateKey(pair.privateKeyPem, 'test'), publicKey, 'test') });

type Raw = Record<string, unknown>;
interface Opened {
  /** Two handles on one shared ledger, as two workers would have. */
  a: Ledger;
  b: Ledger;
  editRecord(position: number, edit: (json: Raw) => void): Promise<void>;
  /** Raw records and head as stored, for an attacker with write access to the store. */
  readRaw(): Promise<{ records: Raw[]; head: string | undefined }>;
  writeRaw(records: Raw[], head: string | undefined): Promise<void>;
}

interface Backend {
  /** With sealing: a key, and a witness outside the ledger (a folder; a Redis key). */
  open(sealing?: 'key+witness' | 'key'): Promise<Opened>;
}

const backends: Record<string, Backend> = {
  file: {
    async open(mode) {
      const dir = await tmp();
      const witnessDir = await tmp();
      const sealing = mode ? { ...keyed(), witness: mode === 'key+witness' ? createDirWitness(witnessDir) : undefined } : undefined;
      const file = `${dir}/ledger.jsonl`;
      const readRaw = async () => ({
        records: (await readFile(file, 'utf8').catch(() => ''))
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Raw),
        head: await readFile(`${dir}/head.json`, 'utf8').catch(() => undefined),
      });
      return {
        a: createFsLedger({ dir, clock, logger: silentLogger, sealing }),
        b: createFsLedger({ dir, clock, logger: silentLogger, sealing }),
        async editRecord(position, edit) {
          const lines = (await readFile(file, 'utf8')).split('\n');
          const json = JSON.parse(lines[position - 1]!) as Raw;
          edit(json);
          lines[position - 1] = JSON.stringify(json);
          await writeFile(file, lines.join('\n'));
        },
        readRaw,
        async writeRaw(records, head) {
          await writeFile(file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
          const { rm } = await import('node:fs/promises');
          if (head === undefined) await rm(`${dir}/head.json`, { force: true });
          else await writeFile(`${dir}/head.json`, head);
        },
      };
    },
  },
  redis: {
    async open(mode) {
      const key = `lbtest-${randomBytes(4).toString('hex')}:ledger`;
      keys.push(key);
      const sealing = mode ? { ...keyed(), witness: mode === 'key+witness' ? createRedisWitness(redis, `${key}-witness`) : undefined } : undefined;
      return {
        a: createRedisLedger({ redis, key, clock, logger: silentLogger, sealing }),
        b: createRedisLedger({ redis, key, clock, logger: silentLogger, sealing }),
        async editRecord(position, edit) {
          const json = JSON.parse((await redis.lindex(`${key}:records`, position - 1))!) as Raw;
          edit(json);
          await redis.lset(`${key}:records`, position - 1, JSON.stringify(json));
        },
        async readRaw() {
          return { records: (await redis.lrange(`${key}:records`, 0, -1)).map((l) => JSON.parse(l) as Raw), head: (await redis.get(`${key}:head`)) ?? undefined };
        },
        async writeRaw(records, head) {
          await redis.del(`${key}:records`, `${key}:head`);
          if (records.length) await redis.rpush(`${key}:records`, ...records.map((r) => JSON.stringify(r)));
          if (head !== undefined) await redis.set(`${key}:head`, head);
        },
      };
    },
  },
  postgres: {
    async open(mode) {
      const schema = `${pgRun}_${schemas.length}`;
      schemas.push(schema);
      const witnessDir = await tmp();
      const sealing = mode ? { ...keyed(), witness: mode === 'key+witness' ? createDirWitness(witnessDir) : undefined } : undefined;
      const s = `"${schema}"`;
      return {
        a: createPgLedger({ url: PG_URL, schema, clock, logger: silentLogger, sealing }),
        b: createPgLedger({ url: PG_URL, schema, clock, logger: silentLogger, sealing }),
        async editRecord(position, edit) {
          const { rows } = await pgAdmin.query<{ seq: string; line: string }>(`SELECT seq, line FROM ${s}.ledger_records ORDER BY seq OFFSET $1 LIMIT 1`, [position - 1]);
          const json = JSON.parse(rows[0]!.line) as Raw;
          edit(json);
          await pgTamper(schema, async (c) => void (await c.query(`UPDATE ${s}.ledger_records SET line = $1 WHERE seq = $2`, [JSON.stringify(json), rows[0]!.seq])));
        },
        async readRaw() {
          const records = (await pgAdmin.query<{ line: string }>(`SELECT line FROM ${s}.ledger_records ORDER BY seq`)).rows.map((r) => JSON.parse(r.line) as Raw);
          const head = (await pgAdmin.query<{ seal: string }>(`SELECT seal FROM ${s}.ledger_seals ORDER BY seq DESC LIMIT 1`)).rows[0]?.seal;
          return { records, head };
        },
        async writeRaw(records, head) {
          await pgTamper(schema, async (c) => {
            await c.query(`DELETE FROM ${s}.ledger_records`);
            await c.query(`DELETE FROM ${s}.ledger_seals`);
            // Stored in the order given, as a rewritten file would be.
            for (const [i, r] of records.entries()) await c.query(`INSERT INTO ${s}.ledger_records (seq, line) VALUES ($1, $2)`, [i + 1, JSON.stringify(r)]);
            if (head !== undefined) await c.query(`INSERT INTO ${s}.ledger_seals (seq, seal) VALUES ($1, $2)`, [(JSON.parse(head) as { seq: number }).seq, head]);
          });
        },
      };
    },
  },
};

const fill = async (l: Ledger, n: number) => {
  for (let i = 1; i <= n; i++) await l.append({ type: 't', subject: 's', data: { i } });
};

/** Every ledger backend keeps the same promises; this suite is what a new backend must pass. */
describe.each(Object.entries(backends))('ledger contract: %s', (_name, backend) => {
  it('chains appends in order and verifies clean', async () => {
    const { a } = await backend.open();
    await a.append({ type: 't', subject: 's', data: { i: 1 } });
    await a.appendMany([
      { type: 't', subject: 's', data: { i: 2 } },
      { type: 't', subject: 's', data: { i: 3 } },
    ]);
    const all = [];
    for await (const r of a.records()) all.push(r);
    expect(all.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(all[2]!.prev).toBe(all[1]!.hash);
    expect(await a.verify()).toMatchObject({ ok: true, records: 3, headSeq: 3 });
    await a.close();
  });

  it('keeps one chain when two writers append at once', async () => {
    const { a, b } = await backend.open('key+witness');
    await Promise.all([...Array.from({ length: 40 }, (_, i) => a.append({ type: 'a', subject: 'x', data: { i } })), ...Array.from({ length: 40 }, (_, i) => b.append({ type: 'b', subject: 'x', data: { i } }))]);
    const report = await a.verify();
    expect(report).toMatchObject({ ok: true, records: 80 });
    // The witness never moves back, whichever writer finished last.
    expect(report.checked?.witness).toMatchObject({ state: 'present', seq: 80 });
    await Promise.all([a.close(), b.close()]);
  }, 30_000);

  it('names an edited record by position', async () => {
    const { a, editRecord } = await backend.open();
    await fill(a, 4);
    await editRecord(3, (r) => ((r.data as { i: number }).i = 33));
    const report = await a.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'edited', position: 3, seq: 3 })]);
    await a.close();
  });

  it('signs every record and seal: verify checks each against the public key and the witness', async () => {
    const { a, readRaw } = await backend.open('key+witness');
    await fill(a, 3);
    const raw = await readRaw();
    expect(raw.records.every((r) => typeof r.sig === 'string' && r.kid === pair.kid)).toBe(true);
    expect(JSON.parse(raw.head!)).toMatchObject({ seq: 3, kid: pair.kid, sig: expect.any(String), at: '2026-11-22T00:00:00.000Z' });
    const report = await a.verify();
    expect(report).toMatchObject({ ok: true, records: 3 });
    expect(report.checked).toMatchObject({
      signatures: { key: pair.kid, signed: 3, valid: 3, unsigned: 0, sealedFrom: 1 },
      head: { state: 'present', seq: 3, signature: 'valid' },
      witness: { state: 'present', seq: 3, signature: 'valid' },
    });
    await a.close();
  });

  it('fails a record appended with a correctly recomputed hash but no key', async () => {
    const { a, readRaw, writeRaw } = await backend.open('key');
    await fill(a, 3);
    const { records, head } = await readRaw();
    const last = records[2]!;
    const forged: Raw = { seq: 4, at: '2026-11-22T00:00:01.000Z', type: 'drill.finished', subject: 'x', data: { passed: true }, prev: last.hash };
    forged.hash = hashRecord(forged as never);
    await writeRaw([...records, forged], head);
    const report = await a.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'unsigned', seq: 4, position: 4 }));
    // Copying a signature from another record does not help: it covers that record's hash.
    await writeRaw([...records, { ...forged, kid: pair.kid, hash: hashRecord({ ...forged, kid: pair.kid } as never), sig: last.sig }], head);
    expect((await a.verify()).problems).toContainEqual(expect.objectContaining({ kind: 'bad-signature', seq: 4 }));
    await a.close();
  });

  it('detects records cut off the end, even with the head moved back to an earlier seal', async () => {
    const { a, readRaw, writeRaw } = await backend.open('key+witness');
    await fill(a, 2);
    const earlier = await readRaw();
    await fill(a, 3);
    // The attacker kept a copy of the head from #2: a valid signed seal, just an old one.
    await writeRaw(earlier.records, earlier.head);
    const report = await a.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'truncated', seq: 5, message: expect.stringMatching(/records after #2 up to #5 are missing: the witness/) }));
    // Nothing is chained onto the cut ledger: that would bury the cut.
    await expect(a.append({ type: 't', subject: 's', data: {} })).rejects.toMatchObject({ code: 'LEDGER_TAMPERED' });
    await a.close();
  });

  it('detects a deleted head, and an emptied ledger its witness knows had records', async () => {
    const { a, readRaw, writeRaw } = await backend.open('key+witness');
    await fill(a, 3);
    const { records } = await readRaw();
    await writeRaw(records, undefined);
    expect((await a.verify()).problems).toContainEqual(expect.objectContaining({ kind: 'head-missing' }));
    await writeRaw([], undefined);
    const emptied = await a.verify();
    expect(emptied).toMatchObject({ ok: false, records: 0 });
    expect(emptied.problems).toContainEqual(expect.objectContaining({ kind: 'truncated', seq: 3 }));
    await a.close();
  });

  it('refuses to append without the signing key when a public key is configured', async () => {
    const { a } = await backend.open();
    const dir = await tmp();
    const verifyOnly = createFsLedger({ dir, clock, logger: silentLogger, sealing: { verifier: createVerifier(publicKey) } });
    await expect(verifyOnly.append({ type: 't', subject: 's', data: {} })).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });
    await a.close();
  });
});
