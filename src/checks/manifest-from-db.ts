import type { Manifest } from '../config/index.js';
import type { DatabaseSnapshot } from '../providers/index.js';

export interface MergeNote {
  table: string;
  message: string;
}

/** A manifest of a live database alone: its snapshot is the consistent point. */
export function manifestFromSnapshot(snap: DatabaseSnapshot, meta: { version: string; now: Date }): Manifest {
  return {
    version: 1,
    consistentPoint: snap.takenAt.toISOString(),
    consistentPointSource: 'database',
    engine: snap.engine,
    database: snap.database,
    tables: snap.tables.map((t) => ({ schema: t.schema, name: t.name, rows: t.rows, checksum: t.checksum })),
    objects: snap.objects,
    checksumAlgorithm: snap.checksumAlgorithm,
    createdAt: meta.now.toISOString(),
    createdBy: `lifeboat ${meta.version}`,
  };
}

/**
 * Adds database checksums to a dump's manifest. The dump's own row counts stay the truth;
 * a table's checksum is taken only when the database still has the dump's row count for
 * it, since a database that moved on since the dump would give a checksum the restored
 * copy can never match.
 */
export function mergeSnapshot(fromFile: Manifest, snap: DatabaseSnapshot): { manifest: Manifest; notes: MergeNote[] } {
  const notes: MergeNote[] = [];
  const live = new Map(snap.tables.map((t) => [t.name, t]));
  const tables = (fromFile.tables ?? []).map((t) => {
    const db = live.get(t.name);
    if (!db) {
      notes.push({ table: t.name, message: 'not in the database any more: no checksum' });
      return t;
    }
    if (db.rows !== t.rows) {
      notes.push({ table: t.name, message: `database has ${db.rows} rows, the dump ${t.rows}: it changed since the dump, no checksum` });
      return t;
    }
    return { ...t, checksum: db.checksum };
  });
  const objects = fromFile.objects && Object.values(fromFile.objects).some((l) => l?.length) ? fromFile.objects : snap.objects;
  return { manifest: { ...fromFile, engine: snap.engine, database: fromFile.database ?? snap.database, tables, objects, checksumAlgorithm: snap.checksumAlgorithm }, notes };
}
