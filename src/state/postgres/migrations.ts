/**
 * The state schema, one step at a time. Each step runs once, in order, with `search_path`
 * set to the store's schema, so the SQL names tables without a schema. Never edit a step
 * that has shipped: add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'state tables',
    // run_id sorts as bytes (COLLATE "C") so runs order exactly as the files backend's string comparison does.
    sql: `
      CREATE TABLE runs (
        run_id text COLLATE "C" PRIMARY KEY,
        drill text NOT NULL,
        phase text NOT NULL,
        job_key text,
        started_at timestamptz NOT NULL,
        record jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX runs_started ON runs (started_at, run_id);
      CREATE INDEX runs_drill_started ON runs (drill, started_at, run_id);
      CREATE INDEX runs_running ON runs (started_at, run_id) WHERE phase = 'running';
      CREATE INDEX runs_job_key ON runs (job_key) WHERE job_key IS NOT NULL;

      CREATE TABLE leases (id text COLLATE "C" PRIMARY KEY, record jsonb NOT NULL);
      CREATE TABLE copies (id text COLLATE "C" PRIMARY KEY, record jsonb NOT NULL);
      CREATE TABLE verdicts (location text COLLATE "C" PRIMARY KEY, version int NOT NULL, fingerprint text NOT NULL, verdict jsonb NOT NULL);
      CREATE TABLE freshness (subject text COLLATE "C" PRIMARY KEY, state jsonb NOT NULL);
      CREATE TABLE slots (
        slot text PRIMARY KEY,
        token bigint NOT NULL,
        holder jsonb NOT NULL,
        claimed_at timestamptz NOT NULL,
        result jsonb,
        finished_at timestamptz
      );
    `,
  },
  {
    version: 2,
    name: 'records as JSON text',
    // jsonb refuses a NUL (\u0000) and half a surrogate pair, which a run's error or a step's
    // details can carry from a client's output: a save would throw and the run stay stuck at
    // its last step. JSON kept as text holds any record exactly, as the files backend does;
    // the columns beside it carry what is filtered and ordered on.
    sql: `
      ALTER TABLE runs ALTER COLUMN record TYPE text USING record::text;
      ALTER TABLE leases ALTER COLUMN record TYPE text USING record::text;
      ALTER TABLE copies ALTER COLUMN record TYPE text USING record::text;
      ALTER TABLE verdicts ALTER COLUMN verdict TYPE text USING verdict::text;
      ALTER TABLE freshness ALTER COLUMN state TYPE text USING state::text;
      ALTER TABLE slots ALTER COLUMN holder TYPE text USING holder::text, ALTER COLUMN result TYPE text USING result::text;
    `,
  },
  {
    version: 3,
    name: 'alert book',
    // One row per alert, outbox message and silence (keys alert:…, outbox:…, silence:…), changed under one advisory lock.
    sql: `CREATE TABLE alert_book (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);`,
  },
];

export const LATEST_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));
