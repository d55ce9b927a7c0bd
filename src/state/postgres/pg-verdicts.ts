import type pg from 'pg';
import type { VerdictEntry, VerdictPersistence } from '../../freshness/index.js';
import { underLock } from '../../pgutil/index.js';

/** Remembered verdicts as one row per backup location, tagged with the rules' version that judged them. */
export function createPgVerdicts(pool: pg.Pool, s: string, schema: string): VerdictPersistence {
  return {
    async load(version) {
      const { rows } = await pool.query<{ location: string; fingerprint: string; verdict: string }>(`SELECT location, fingerprint, verdict FROM ${s}.verdicts WHERE version = $1`, [version]);
      return new Map(rows.map((r) => [r.location, { fingerprint: r.fingerprint, verdict: JSON.parse(r.verdict) as VerdictEntry['verdict'] }]));
    },
    // Only the changes are written: the whole cache is not rewritten at every sweep.
    save: (version, changes) =>
      underLock(pool, `verdicts:${schema}`, async (client) => {
        // Verdicts judged by older rules are never read again (the files backend drops them the same way).
        await client.query(`DELETE FROM ${s}.verdicts WHERE version < $1`, [version]);
        const set = [...changes.set];
        if (set.length) {
          await client.query(
            `INSERT INTO ${s}.verdicts (location, version, fingerprint, verdict)
             SELECT l, $1, f, v FROM unnest($2::text[], $3::text[], $4::text[]) AS x(l, f, v)
             ON CONFLICT (location) DO UPDATE SET version = EXCLUDED.version, fingerprint = EXCLUDED.fingerprint, verdict = EXCLUDED.verdict`,
            [version, set.map(([l]) => l), set.map(([, e]) => e.fingerprint), set.map(([, e]) => JSON.stringify(e.verdict))],
          );
        }
        if (changes.deleted.size) await client.query(`DELETE FROM ${s}.verdicts WHERE location = ANY($1::text[])`, [[...changes.deleted]]);
      }),
  };
}
