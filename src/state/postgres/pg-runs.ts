import type pg from 'pg';
import type { DrillRun, RunFilter, RunStore } from '../../drills/index.js';
import { decodeRunCursor, encodeRunCursor } from '../run-order.js';

/**
 * Drill runs as rows: the whole run in `record` as JSON text (what `get` returns, its startedAt string
 * untouched), with the columns that filter and order copied beside it. Pages are read with
 * a keyset on (started_at, run_id), so page 1000 costs what page 1 does.
 */
export function createPgRuns(pool: pg.Pool, s: string): RunStore {
  /** The filter as conditions, its values appended to `params`. */
  const filterConds = (f: RunFilter, params: unknown[]) =>
    (
      [
        ['drill', f.drill],
        ['phase', f.phase],
        ['job_key', f.jobKey],
      ] as const
    )
      .filter(([, value]) => value)
      .map(([column, value]) => `${column} = $${params.push(value)}`);
  const clause = (conds: string[]) => (conds.length ? `WHERE ${conds.join(' AND ')}` : '');

  return {
    async save(run) {
      await pool.query(
        `INSERT INTO ${s}.runs (run_id, drill, phase, job_key, started_at, record, updated_at)
         VALUES ($1, $2, $3, $4, $5::timestamptz, $6, now())
         ON CONFLICT (run_id) DO UPDATE SET drill = EXCLUDED.drill, phase = EXCLUDED.phase, job_key = EXCLUDED.job_key,
           started_at = EXCLUDED.started_at, record = EXCLUDED.record, updated_at = now()`,
        [run.runId, run.drill, run.phase, run.jobKey ?? null, run.startedAt, JSON.stringify(run)],
      );
    },
    async get(runId) {
      const { rows } = await pool.query<{ record: string }>(`SELECT record FROM ${s}.runs WHERE run_id = $1`, [runId]);
      return rows[0] && (JSON.parse(rows[0].record) as DrillRun);
    },
    async list(filter = {}) {
      const params: unknown[] = [];
      const conds = filterConds(filter, params);
      const { rows } = await pool.query<{ record: string }>(`SELECT record FROM ${s}.runs ${clause(conds)} ORDER BY started_at, run_id`, params);
      return rows.map((r) => JSON.parse(r.record) as DrillRun);
    },
    async page({ limit, cursor, ...filter }) {
      const params: unknown[] = [];
      const conds = filterConds(filter, params);
      if (cursor) {
        const after = decodeRunCursor(cursor);
        conds.push(`(started_at, run_id) < ($${params.push(after.startedAt)}::timestamptz, $${params.push(after.runId)})`);
      }
      const { rows } = await pool.query<{ record: string }>(`SELECT record FROM ${s}.runs ${clause(conds)} ORDER BY started_at DESC, run_id DESC LIMIT $${params.push(limit + 1)}`, params);
      const runs = rows.slice(0, limit).map((r) => JSON.parse(r.record) as DrillRun);
      return rows.length > limit ? { runs, next: encodeRunCursor(runs.at(-1)!) } : { runs };
    },
  };
}
