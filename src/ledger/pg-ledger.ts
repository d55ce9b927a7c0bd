import pg from 'pg';
import { LifeboatError } from '../domain/index.js';
import type { Ledger, VerifyReport } from './ledger.js';
import { chainRecords, ledgerFromBackend, type LedgerBackendOptions } from './ledger-backend.js';
import { describeWhere, inTransaction, lockKey, quoteSchema } from '../pgutil/index.js';
import { wrapPgError } from './pg-ledger-connection.js';
import { ensureLedgerTables, ledgerTablesExist, missingGuards } from './pg-ledger-schema.js';
import { parseRecordLine, recordLine, type LedgerEntry, type LedgerRecord } from './record.js';
import { makeSeal, parseSeal, type Seal } from './seal.js';
import { advanceWitness, guardTail } from './sealing.js';
import type { LedgerSigner } from './signing.js';
import { verifySealed } from './verify-sealed.js';

export interface PgLedgerOptions extends LedgerBackendOptions {
  /** postgres://user:password@host:port/database; the password never appears in a message. */
  url: string;
  /** Schema of the ledger's tables (default lifeboat); created on the first append. */
  schema?: string;
  /** Pool size: appends go one at a time per process, so a few connections are plenty. */
  max?: number;
}

const PAGE = 1000;
type Head = Seal | undefined | 'garbled';

/**
 * A ledger in PostgreSQL, shared by workers on any number of machines. Each append is one
 * transaction under an advisory lock: read the last record and the head seal, chain the
 * batch onto them, insert the records and the batch's seal. Records and seal commit
 * together, so they never disagree unless someone edited the tables; and the tables refuse
 * UPDATE, DELETE and TRUNCATE themselves (see pg-ledger-schema.ts for what that does and
 * does not stop). Each record is stored as the exact line the file ledger would write.
 */
export function createPgLedger(opts: PgLedgerOptions): Ledger {
  const schema = opts.schema ?? 'lifeboat';
  const s = quoteSchema(schema, 'ledger');
  const where = describeWhere(opts.url, schema, 'ledger.url');
  const headName = `${where} table ledger_seals`;
  const lock = lockKey(`ledger:${schema}`);
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 3, connectionTimeoutMillis: 10_000, application_name: 'lifeboat ledger' });
  // An idle connection the server drops emits here; without a listener it would crash the process. The next query reconnects.
  pool.on('error', () => undefined);
  let tablesReady = false;
  let ended: Promise<void> | undefined;

  const readLast = async (client: pg.ClientBase): Promise<LedgerRecord | undefined> => {
    const { rows } = await client.query<{ line: string }>(`SELECT line FROM ${s}.ledger_records ORDER BY seq DESC LIMIT 1`);
    if (!rows.length) return undefined;
    const last = parseRecordLine(rows[0]!.line);
    // No append is ever torn here (a transaction), so a last row that is not a record was put there.
    if (!last) throw new LifeboatError('LEDGER_TAMPERED', `the last row of the ledger ${where} is not a ledger record. Nothing is appended; run lifeboat ledger verify`);
    return last;
  };

  const readHead = async (client: pg.ClientBase): Promise<Head> => {
    const { rows } = await client.query<{ seal: string }>(`SELECT seal FROM ${s}.ledger_seals ORDER BY seq DESC LIMIT 1`);
    return rows.length ? (parseSeal(rows[0]!.seal) ?? 'garbled') : undefined;
  };

  const appendLocked = async (entries: readonly LedgerEntry[], signer: LedgerSigner | undefined): Promise<LedgerRecord[]> => {
    const { sealed, seal } = await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lock]);
      if (!tablesReady && !(await ledgerTablesExist(client, schema))) await ensureLedgerTables(client, s);
      const last = await readLast(client);
      const head = await readHead(client);
      if (head === 'garbled') throw new LifeboatError('LEDGER_TAMPERED', `the newest seal in ${headName} is not a seal. Nothing is appended; run lifeboat ledger verify`);
      // Records and their seal commit together: a head at any other seq than the last record means the tables were edited.
      if ((head?.seq ?? 0) !== (last?.seq ?? 0)) {
        throw new LifeboatError('LEDGER_TAMPERED', `the ledger ${where} ends at #${last?.seq ?? 0} but its head says #${head?.seq ?? 0}: they always move together. Nothing is appended; run lifeboat ledger verify`);
      }
      await guardTail(where, last, head, opts.sealing?.witness);
      const at = opts.clock.now();
      const sealed = chainRecords(entries, last, at, signer);
      const seal = makeSeal(sealed.at(-1)!, at, signer);
      await client.query(`INSERT INTO ${s}.ledger_records (seq, line) SELECT * FROM unnest($1::bigint[], $2::text[])`, [sealed.map((r) => r.seq), sealed.map((r) => recordLine(r).trimEnd())]);
      await client.query(`INSERT INTO ${s}.ledger_seals (seq, seal) VALUES ($1, $2)`, [seal.seq, JSON.stringify(seal)]);
      return { sealed, seal };
    }).catch((err: unknown) => {
      throw wrapPgError(err, where, opts.url);
    });
    tablesReady = true;
    // After the commit: a witness ahead of the records would refuse every later append.
    await advanceWitness(opts.sealing?.witness, seal, opts.logger);
    return sealed;
  };

  /** Pages by seq up to the last record there when reading began, so appends meanwhile do not stretch the read. */
  async function* pagedLines(client: pg.ClientBase): AsyncGenerator<{ position: number; text: string }> {
    if (!(await ledgerTablesExist(client, schema))) return;
    const { rows: top } = await client.query<{ max: string | null }>(`SELECT max(seq)::text AS max FROM ${s}.ledger_records`);
    const end = top[0]!.max;
    if (end === null) return;
    let after = '0';
    let position = 0;
    for (;;) {
      // The key goes out as text (a bigint past 2^53 would lose digits as a number) under another name: ORDER BY seq must mean the bigint.
      const { rows } = await client.query<{ key: string; line: string }>(`SELECT seq::text AS key, line FROM ${s}.ledger_records WHERE seq > $1::bigint AND seq <= $2::bigint ORDER BY seq LIMIT ${PAGE}`, [after, end]);
      for (const r of rows) yield { position: ++position, text: r.line };
      if (rows.length < PAGE) return;
      after = rows.at(-1)!.key;
    }
  }

  async function* lines(): AsyncGenerator<{ position: number; text: string }> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw wrapPgError(err, where, opts.url);
    }
    try {
      yield* pagedLines(client);
    } catch (err) {
      throw wrapPgError(err, where, opts.url);
    } finally {
      client.release();
    }
  }

  /** Records, head and triggers from one snapshot: an append in between cannot look like a cut. */
  const snapshot = () =>
    inTransaction(
      pool,
      async (client) => {
        const collected: { position: number; text: string }[] = [];
        for await (const l of pagedLines(client)) collected.push(l);
        const exists = await ledgerTablesExist(client, schema);
        return { collected, head: exists ? await readHead(client) : undefined, unguarded: exists ? await missingGuards(client, schema) : [] };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    ).catch((err: unknown) => {
      throw wrapPgError(err, where, opts.url);
    });

  return ledgerFromBackend({
    sealing: opts.sealing,
    appendBatch: appendLocked,
    lines,
    async verify(): Promise<VerifyReport> {
      const { collected, head, unguarded } = await snapshot();
      const report = await verifySealed(collected, head === 'garbled' ? undefined : head, opts.sealing, headName);
      const notes = unguarded.length ? [`the append-only trigger(s) ${unguarded.join(', ')} in ${where} are dropped or disabled: the database no longer refuses edits (the chain, seals and witness are still checked)`] : [];
      if (head === 'garbled') {
        const problem = { kind: 'unreadable' as const, position: collected.length + 1, message: `the head seal (${headName}) is there but is not a seal` };
        return { ...report, ok: false, problems: [...report.problems.filter((p) => p.kind !== 'head-missing'), problem], notes: [...notes, ...report.notes] };
      }
      return { ...report, notes: [...notes, ...report.notes] };
    },
    close: () => (ended ??= pool.end()),
  });
}
