import type pg from 'pg';
import { underLock } from '../../pgutil/index.js';

/** A table of (key, JSON text value) rows read and written as one document: key → value. */
export interface DocumentTable {
  /** Schema-qualified, quoted table name. */
  table: string;
  key: string;
  value: string;
  /** The advisory lock that serialises updaters of this document. */
  lock: string;
}

export function keyedDocument<V>(pool: pg.Pool, t: DocumentTable) {
  const readWith = async (db: pg.Pool | pg.PoolClient): Promise<Record<string, V>> => {
    const { rows } = await db.query<{ k: string; v: string }>(`SELECT ${t.key} AS k, ${t.value} AS v FROM ${t.table} ORDER BY ${t.key}`);
    return Object.fromEntries(rows.map((r) => [r.k, JSON.parse(r.v) as V]));
  };
  return {
    read: () => readWith(pool),
    /**
     * Runs `fn` on the whole current document under the lock, then writes back only the rows
     * whose JSON changed and deletes the keys it dropped. `fn` may do other I/O while the
     * transaction is open (freshness appends to the ledger): updaters wait for each other.
     */
    update<R>(fn: (doc: Record<string, V>) => Promise<{ doc: Record<string, V>; value: R }>): Promise<R> {
      return underLock(pool, t.lock, async (client) => {
        const current = await readWith(client);
        const before = new Map(Object.entries(current).map(([k, v]) => [k, JSON.stringify(v)]));
        const { doc, value } = await fn(current);
        const changed = Object.entries(doc)
          .map(([k, v]) => ({ k, v: JSON.stringify(v) }))
          .filter(({ k, v }) => before.get(k) !== v);
        const gone = [...before.keys()].filter((k) => !Object.hasOwn(doc, k));
        if (changed.length) {
          await client.query(
            `INSERT INTO ${t.table} (${t.key}, ${t.value}) SELECT k, v FROM unnest($1::text[], $2::text[]) AS x(k, v)
             ON CONFLICT (${t.key}) DO UPDATE SET ${t.value} = EXCLUDED.${t.value}`,
            [changed.map((c) => c.k), changed.map((c) => c.v)],
          );
        }
        if (gone.length) await client.query(`DELETE FROM ${t.table} WHERE ${t.key} = ANY($1::text[])`, [gone]);
        return value;
      });
    },
  };
}
