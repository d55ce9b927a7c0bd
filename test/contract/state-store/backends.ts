import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DrillRun } from '../../../src/drills/index.js';
import * as state from '../../../src/state/index.js';
import type { StateStore } from '../../../src/state/index.js';
import { seedRunFiles, seedRunRows } from './seed.js';

export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** One place state lives (a folder; a schema), and the ways the suite reaches into it. */
export interface Place {
  store: StateStore;
  /** Another store on the same place, as a second process would open it. */
  another(): Promise<StateStore>;
  /** What the crash child needs to open this place itself (crash-writer.mjs reads it). */
  spec: { kind: 'files'; dir: string } | { kind: 'postgres'; url: string; schema: string };
  /** Writes many runs the fast way, behind the store's back, as if saved one by one. */
  seedRuns(runs: readonly DrillRun[]): Promise<void>;
}

export interface Backend {
  open(): Promise<Place>;
  /** Closes and removes every place opened so far: after each test, and once more after the file. */
  cleanup(): Promise<void>;
}

type OpenPostgres = (opts: { url: string; schema: string }) => Promise<StateStore>;

/** The postgres backend is being written alongside this suite: until it is exported, its tests fail, naming why. */
function openPostgres(): OpenPostgres {
  const open = (state as unknown as { openPostgresStateStore?: OpenPostgres }).openPostgresStateStore;
  if (typeof open !== 'function') throw new Error('src/state/index.ts does not export openPostgresStateStore: the postgres state store is missing');
  return open;
}

/** A fresh folder per place; removed by cleanup, which may take a while after the 100,000-run history. */
export function filesBackend(): Backend {
  const dirs: string[] = [];
  return {
    async open() {
      const dir = await mkdtemp(path.join(tmpdir(), 'lbcontract-'));
      dirs.push(dir);
      return {
        store: state.createFileStateStore(dir),
        another: async () => state.createFileStateStore(dir),
        spec: { kind: 'files', dir },
        seedRuns: (runs) => seedRunFiles(dir, runs),
      };
    },
    async cleanup() {
      await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** A schema per opened place, all under this file's random prefix, so tests never see each other's rows. */
export function postgresBackend(): Backend {
  const prefix = `lbcontract_${randomBytes(4).toString('hex')}`;
  const schemas: string[] = [];
  const stores: StateStore[] = [];
  let opened = 0;
  return {
    async open() {
      const open = openPostgres();
      const schema = `${prefix}_${opened++}`;
      schemas.push(schema);
      const openOne = async () => {
        const s = await open({ url: PG_URL, schema });
        stores.push(s);
        return s;
      };
      const store = await openOne();
      return { store, another: openOne, spec: { kind: 'postgres', url: PG_URL, schema }, seedRuns: (runs) => seedRunRows(PG_URL, schema, runs) };
    },
    async cleanup() {
      await Promise.allSettled(stores.splice(0).map((s) => s.close()));
      if (!schemas.length) return;
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        for (const s of schemas.splice(0)) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
