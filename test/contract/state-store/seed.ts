import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { DrillRun } from '../../../src/drills/index.js';

/** Runs `fn` over `items`, `width` at a time. */
export async function eachLimited<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

/** Run files as the files backend names and writes them: `<stateDir>/runs/<runId>.json`. */
export async function seedRunFiles(stateDir: string, runs: readonly DrillRun[]): Promise<void> {
  const dir = path.join(stateDir, 'runs');
  await mkdir(dir, { recursive: true });
  await eachLimited(runs, 64, (run) => writeFile(path.join(dir, `${run.runId}.json`), JSON.stringify(run, null, 2)));
}

/**
 * Rows as src/state/postgres/pg-runs.ts writes them (migration 1's runs table): the whole run
 * in `record`, its filter and order columns beside it, 5,000 to a statement.
 */
export async function seedRunRows(url: string, schema: string, runs: readonly DrillRun[]): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (let i = 0; i < runs.length; i += 5000) {
      await c.query(
        `INSERT INTO "${schema}".runs (run_id, drill, phase, job_key, started_at, record)
         SELECT r->>'runId', r->>'drill', r->>'phase', r->>'jobKey', (r->>'startedAt')::timestamptz, r::text FROM jsonb_array_elements($1::jsonb) AS r`,
        [JSON.stringify(runs.slice(i, i + 5000))],
      );
    }
  } finally {
    await c.end();
  }
}
