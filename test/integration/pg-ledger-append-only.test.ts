import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import { APPEND_ONLY_MESSAGE, createPgLedger, type Ledger } from '../../src/ledger/index.js';

const SUPERUSER_URL = 'postgres://postgres@127.0.0.1:5432/test';
const suffix = randomBytes(4).toString('hex');
const SCHEMA = `lbappendonly_${suffix}`;
const WRITER = `lbwriter_${suffix}`;
// Trust auth on the test server: the role needs no password.
const WRITER_URL = `postgres://${WRITER}@127.0.0.1:5432/test`;
const RECORDS = `"${SCHEMA}".ledger_records`;
const SEALS = `"${SCHEMA}".ledger_seals`;
const clock = fixedClock('2026-11-22T00:00:00Z');

const admin = new pg.Pool({ connectionString: SUPERUSER_URL, max: 2 });
const writerSql = new pg.Pool({ connectionString: WRITER_URL, max: 1 });
const ledgers: Ledger[] = [];
const open = (url: string, schema = SCHEMA) => {
  const l = createPgLedger({ url, schema, clock, logger: silentLogger });
  ledgers.push(l);
  return l;
};
const entry = (i: number) => ({ type: 't', subject: 's', data: { i } });

beforeAll(async () => {
  // The tables are made by the first append, as postgres: the writer below does not own them.
  await open(SUPERUSER_URL).append(entry(1));
  await admin.query(`CREATE ROLE "${WRITER}" LOGIN`);
  await admin.query(`GRANT USAGE ON SCHEMA "${SCHEMA}" TO "${WRITER}"`);
  await admin.query(`GRANT SELECT, INSERT ON ${RECORDS}, ${SEALS} TO "${WRITER}"`);
});

afterAll(async () => {
  await Promise.allSettled(ledgers.map((l) => l.close()));
  await writerSql.end();
  await admin.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await admin.query(`DROP SCHEMA IF EXISTS "${SCHEMA}_paged" CASCADE`);
  await admin.query(`DROP OWNED BY "${WRITER}"`).catch(() => undefined);
  await admin.query(`DROP ROLE IF EXISTS "${WRITER}"`);
  await admin.end();
});

/** Runs `sql` and returns the database's refusal message (fails the test when it is accepted). */
const refusal = async (pool: pg.Pool, sql: string): Promise<string> => {
  try {
    await pool.query(sql);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`accepted: ${sql}`);
};

describe('PostgreSQL ledger: append-only in the database', () => {
  it('leaves the tables owned by postgres, who made them, not by the writer', async () => {
    const { rows } = await admin.query<{ owner: string }>(`SELECT tableowner AS owner FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [SCHEMA]);
    expect(rows.map((r) => r.owner)).toEqual(['postgres', 'postgres']);
  });

  it('lets a writer with SELECT and INSERT append, and refuses it UPDATE, DELETE and TRUNCATE', async () => {
    const writer = open(WRITER_URL);
    await writer.appendMany([entry(2), entry(3)]);
    expect(await writer.verify()).toMatchObject({ ok: true, records: 3, headSeq: 3 });
    // Without the rights, the database refuses before the trigger is even reached.
    expect(await refusal(writerSql, `UPDATE ${RECORDS} SET line = '{}' WHERE seq = 1`)).toMatch(/permission denied/);
    expect(await refusal(writerSql, `DELETE FROM ${RECORDS} WHERE seq = 1`)).toMatch(/permission denied/);
    expect(await refusal(writerSql, `TRUNCATE ${RECORDS}`)).toMatch(/permission denied/);
  });

  it("refuses UPDATE, DELETE and TRUNCATE with the trigger's message even to a writer wrongly granted them, and appends still work", async () => {
    await admin.query(`GRANT UPDATE, DELETE, TRUNCATE ON ${RECORDS}, ${SEALS} TO "${WRITER}"`);
    try {
      for (const table of [RECORDS, SEALS]) {
        expect(await refusal(writerSql, `UPDATE ${table} SET seq = seq WHERE seq = 1`)).toBe(APPEND_ONLY_MESSAGE);
        expect(await refusal(writerSql, `DELETE FROM ${table} WHERE seq = 1`)).toBe(APPEND_ONLY_MESSAGE);
        expect(await refusal(writerSql, `TRUNCATE ${table}`)).toBe(APPEND_ONLY_MESSAGE);
      }
    } finally {
      await admin.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${RECORDS}, ${SEALS} FROM "${WRITER}"`);
    }
    const writer = open(WRITER_URL);
    await writer.append(entry(4));
    expect(await writer.verify()).toMatchObject({ ok: true, records: 4, headSeq: 4, problems: [] });
  });

  it('refuses UPDATE, DELETE and TRUNCATE to the owner too while the trigger is in place', async () => {
    expect(APPEND_ONLY_MESSAGE).toBe('lifeboat ledger is append-only');
    expect(await refusal(admin, `UPDATE ${RECORDS} SET line = replace(line, '"i":2', '"i":22') WHERE seq = 2`)).toBe(APPEND_ONLY_MESSAGE);
    expect(await refusal(admin, `DELETE FROM ${SEALS}`)).toBe(APPEND_ONLY_MESSAGE);
    expect(await refusal(admin, `TRUNCATE ${RECORDS}, ${SEALS}`)).toBe(APPEND_ONLY_MESSAGE);
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${RECORDS}`)).rows[0]).toEqual({ n: 4 });
  });

  it('shows an edit by a superuser who disabled the trigger: the record by position, and the disabled trigger', async () => {
    await admin.query(`ALTER TABLE ${RECORDS} DISABLE TRIGGER USER`);
    await admin.query(`UPDATE ${RECORDS} SET line = replace(line, '"i":2', '"i":22') WHERE seq = 2`);
    const writer = open(WRITER_URL);
    const report = await writer.verify();
    expect(report).toMatchObject({ ok: false, records: 4 });
    expect(report.problems).toEqual([{ kind: 'edited', position: 2, seq: 2, message: 'record #2 at line 2 was edited: its content no longer matches its hash' }]);
    expect(report.notes).toContainEqual(expect.stringMatching(/append-only trigger\(s\) ledger_records\.ledger_records_no_change, ledger_records\.ledger_records_no_truncate .* are dropped or disabled/));
    await admin.query(`ALTER TABLE ${RECORDS} ENABLE TRIGGER USER`);
    const again = await writer.verify();
    expect(again.problems).toEqual([expect.objectContaining({ kind: 'edited', position: 2 })]);
    expect(again.notes).toEqual([]);
  });

  it('reads a ledger longer than one page in seq order', async () => {
    const paged = open(SUPERUSER_URL, `${SCHEMA}_paged`);
    await paged.appendMany(Array.from({ length: 2_345 }, (_, i) => entry(i + 1)));
    const seqs: number[] = [];
    for await (const r of paged.records()) seqs.push(r.seq);
    expect(seqs).toEqual(Array.from({ length: 2_345 }, (_, i) => i + 1));
    expect(await paged.verify()).toMatchObject({ ok: true, records: 2_345, headSeq: 2_345 });
  });
});
