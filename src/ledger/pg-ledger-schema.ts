import type pg from 'pg';

/** The trigger's message: what a refused UPDATE, DELETE or TRUNCATE says, whoever sent it. */
export const APPEND_ONLY_MESSAGE = 'lifeboat ledger is append-only';

/** The two tables, both append-only: the records, and one seal per append (the newest is the head). */
export const LEDGER_TABLES = ['ledger_records', 'ledger_seals'] as const;

/**
 * Creates the ledger's schema and tables when they are missing; `s` is the quoted schema.
 * Run under the ledger's advisory lock, so two first appends do not race on the DDL.
 *
 * The database itself refuses to change what was written: a row trigger raises on UPDATE
 * and DELETE, a statement trigger on TRUNCATE (row triggers do not see TRUNCATE), and
 * PUBLIC is refused those rights. That binds every role except one that can drop or
 * disable the triggers: the tables' owner and superusers. So lifeboat should not write as
 * the owner. An operator sets that up once:
 *
 *   1. let lifeboat create the tables as an admin role (or run this DDL), e.g. `lifeboat_owner`;
 *   2. CREATE ROLE lifeboat_writer LOGIN PASSWORD '…' (not a superuser, not a member of the owner);
 *   3. GRANT USAGE ON SCHEMA lifeboat TO lifeboat_writer;
 *      GRANT SELECT, INSERT ON lifeboat.ledger_records, lifeboat.ledger_seals TO lifeboat_writer;
 *   4. point ledger.url at lifeboat_writer. Finding the tables there, lifeboat runs no DDL.
 *
 * An owner or superuser can still rewrite history (ALTER TABLE … DISABLE TRIGGER, or
 * session_replication_role = replica); the hash chain, the signatures and the witness are
 * what catch that, as they do for the other backends.
 */
export async function ensureLedgerTables(client: pg.PoolClient, s: string): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${s}.ledger_records (seq bigint PRIMARY KEY, line text NOT NULL)`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${s}.ledger_seals (seq bigint PRIMARY KEY, seal text NOT NULL)`);
  await client.query(`
    CREATE OR REPLACE FUNCTION ${s}.ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '${APPEND_ONLY_MESSAGE}' USING HINT = TG_OP || ' on ' || TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME || ' refused: write new records instead';
    END $$`);
  for (const table of LEDGER_TABLES) {
    // OR REPLACE: a half-made schema (one table there, a crash before the other) is finished, not refused.
    await client.query(`CREATE OR REPLACE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${s}.${table} FOR EACH ROW EXECUTE FUNCTION ${s}.ledger_append_only()`);
    await client.query(`CREATE OR REPLACE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${s}.${table} FOR EACH STATEMENT EXECUTE FUNCTION ${s}.ledger_append_only()`);
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${s}.${table} FROM PUBLIC`);
  }
}

/** Whether both tables are there: a writer that is not their owner finds them and runs no DDL. */
export async function ledgerTablesExist(client: pg.ClientBase, schema: string): Promise<boolean> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = ANY($2::text[])`, [schema, LEDGER_TABLES]);
  return rows[0]!.n === LEDGER_TABLES.length;
}

/** The append-only triggers that are missing or disabled, as `table.trigger`: for a note in verify. */
export async function missingGuards(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT t.tablename || '.' || g.name AS name
       FROM pg_catalog.pg_tables t
       CROSS JOIN (VALUES ('_no_change'), ('_no_truncate')) AS k(suffix)
       CROSS JOIN LATERAL (SELECT t.tablename || k.suffix AS name) g
      WHERE t.schemaname = $1 AND t.tablename = ANY($2::text[])
        AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_trigger tr
           WHERE tr.tgrelid = format('%I.%I', t.schemaname, t.tablename)::regclass
             AND tr.tgname = g.name AND tr.tgenabled <> 'D')
      ORDER BY 1`,
    [schema, LEDGER_TABLES],
  );
  return rows.map((r) => r.name);
}
