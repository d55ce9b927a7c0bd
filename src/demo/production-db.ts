import { mkdir } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { openPGlite } from '../providers/index.js';
import { DEFAULT_CANARY_TABLE, postgresChecksumQuery, type ColumnInfo } from '../providers/index.js';
import { renderPostgresDump } from './render-dump.js';
import { shopDatabase, type Table } from './shop-data.js';

const CANARY: Table = {
  name: DEFAULT_CANARY_TABLE,
  primaryKey: 'id',
  columns: [
    { name: 'id', mysql: 'bigint NOT NULL', postgres: 'bigint NOT NULL' },
    { name: 'beat_at', mysql: 'datetime(6) NOT NULL', postgres: 'timestamp with time zone NOT NULL' },
    { name: 'source', mysql: 'varchar(100) NOT NULL', postgres: 'text NOT NULL' },
  ],
  rows: [],
};

/**
 * The demo's "production": a real embedded PostgreSQL holding the sample shop and a
 * canary table. Its backups are exports of what it really holds, with manifests whose
 * checksums are computed inside it, as `lifeboat manifest --from-db` would.
 */
export async function openDemoProduction(dataDir: string): Promise<PGlite> {
  await mkdir(dataDir, { recursive: true });
  const db = await openPGlite(dataDir);
  const exists = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'orders'");
  if (exists.rows[0]!.n === 0) {
    const sql = renderPostgresDump(shopDatabase(0)).replace(/^COPY (\S+) \(([^)]*)\) FROM stdin;\n([\s\S]*?)\\\.\n/gm, '');
    await db.exec(sql);
    for (const t of shopDatabase(0)) {
      const rows = t.rows.map((r) => r.map((v) => (v === null ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n'))).join('\t')).join('\n');
      await db.query(`COPY public.${t.name} FROM '/dev/blob'`, [], { blob: new Blob([`${rows}\n`]) });
    }
    await db.exec(`CREATE TABLE public.${CANARY.name} (id bigserial PRIMARY KEY, beat_at timestamptz NOT NULL, source text NOT NULL)`);
  }
  return db;
}

export async function beat(db: PGlite, at: Date, source: string): Promise<void> {
  await db.query(`INSERT INTO public.${CANARY.name} (beat_at, source) VALUES ($1, $2)`, [at.toISOString(), source]);
}

/** pg_dump-style SQL of the demo tables as they are now, plus per-table rows and lifeboat-v1 checksums. */
export async function exportDemoProduction(db: PGlite): Promise<{ sql: string; tables: { schema: string; name: string; rows: number; checksum: string }[] }> {
  const defs = [...shopDatabase(0).map((t) => ({ ...t, rows: [] as Table['rows'] })), CANARY];
  const tables: Table[] = [];
  const sums: { schema: string; name: string; rows: number; checksum: string }[] = [];
  for (const def of defs) {
    const cols = def.columns.map((c) => c.name);
    // As text, in PostgreSQL's own output format: exactly what COPY reads back, whatever Node's time zone.
    const { rows } = await db.query<Record<string, string | null>>(`SELECT ${cols.map((c) => `${c}::text AS ${c}`).join(', ')} FROM public.${def.name} ORDER BY ${def.primaryKey ?? cols.join(', ')}`);
    tables.push({ ...def, rows: rows.map((r) => cols.map((c) => r[c] ?? null)) });
    const info: ColumnInfo[] = (await db.query<{ c: string; d: string }>(`SELECT column_name AS c, data_type AS d FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${def.name}' ORDER BY ordinal_position`)).rows.map(
      (r) => ({ name: r.c, dataType: r.d }),
    );
    const sum = (await db.query<{ n: string; s: string }>(postgresChecksumQuery('public', def.name, info))).rows[0]!;
    sums.push({ schema: 'public', name: def.name, rows: Number(sum.n), checksum: sum.s });
  }
  return { sql: renderPostgresDump(tables), tables: sums };
}
