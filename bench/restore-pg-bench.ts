import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const ADMIN = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };

/** A plain pg_dump-shaped file of about `mb` megabytes: SET preamble, tables, COPY blocks, constraints; written in a stream. */
async function writePgDump(file: string, mb: number): Promise<number> {
  const out = createWriteStream(file);
  const write = (s: string) => new Promise<void>((resolve) => (out.write(s) ? resolve() : out.once('drain', resolve)));
  await write("SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\nSELECT pg_catalog.set_config('search_path', '', false);\n");
  await write('CREATE TABLE public.events (id bigint NOT NULL, kind text NOT NULL, payload text, amount numeric(12,2), at timestamp without time zone NOT NULL);\n');
  await write('ALTER TABLE public.events OWNER TO app;\n');
  await write('CREATE TABLE public.notes (ref bigint NOT NULL, body text);\n');
  await write('COPY public.events (id, kind, payload, amount, at) FROM stdin;\n');
  let bytes = 0;
  let id = 0;
  const target = mb * 1e6;
  while (bytes < target * 0.8) {
    const rows: string[] = [];
    for (let i = 0; i < 2000; i++) {
      id++;
      rows.push(`${id}\tk${id % 17}\t${`event ${id} `.repeat(12)}it's \\\\ "quoted"\t${(id % 100000) / 100}\t2026-0${1 + (id % 9)}-1${id % 9} 0${id % 10}:00:00\n`);
    }
    const chunk = rows.join('');
    await write(chunk);
    bytes += chunk.length;
  }
  await write('\\.\n\nCOPY public.notes (ref, body) FROM stdin;\n');
  let ref = 0;
  while (bytes < target) {
    const chunk = Array.from({ length: 200 }, () => `${++ref}\t${'x'.repeat(2000)}\n`).join('');
    await write(chunk);
    bytes += chunk.length;
  }
  await write('\\.\n\nALTER TABLE ONLY public.events\n    ADD CONSTRAINT events_pkey PRIMARY KEY (id);\n');
  await new Promise<void>((resolve) => out.end(resolve));
  return (await stat(file)).size;
}

/** The same dump restored by `psql -f` (the hand baseline) and by `lifeboat drill run` into a PostgreSQL sandbox. */
export async function restorePgBench(o: { dir: string; mb: number; bin: string }) {
  const dumpFile = path.join(o.dir, 'region', 'db', 'big.sql');
  await mkdir(path.dirname(dumpFile), { recursive: true });
  await mkdir(path.join(o.dir, 'drills'), { recursive: true });
  const size = await writePgDump(dumpFile, o.mb);

  const admin = new pg.Client(ADMIN);
  await admin.connect();
  const baseDb = `lb_bench_pg_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${baseDb}`);
  await admin.query(`CREATE DATABASE ${baseDb}`);
  await admin.query('DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = $q$app$q$) THEN CREATE ROLE app; END IF; END $$');
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-U', 'postgres', '-d', baseDb, '-f', dumpFile], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`psql exit ${code}`))));
  });
  const plainMs = performance.now() - t0;
  await admin.query(`DROP DATABASE ${baseDb}`);
  await admin.end();

  await writeFile(
    path.join(o.dir, 'lifeboat.yaml'),
    `version: 1\nledger: { dir: ledger }\nstateDir: state\ndefaults: { rpo: 1000d, rto: 24h }\nregions:\n  r: { kind: local, path: region }\ncredentials:\n  admin: { kind: database, user: postgres, password: { env: LB_BENCH_EMPTY } }\nsandboxes:\n  pg: { kind: postgres, host: 127.0.0.1, port: 5432, credentials: admin }\nresources:\n  - { id: db, kind: dump-dir, region: r, path: db }\n`,
  );
  await writeFile(path.join(o.dir, 'drills', 'bench.yaml'), 'resource: db\nsandbox: pg\ntimeout: 2h\n');
  const child = spawn(process.execPath, [o.bin, 'drill', 'run', 'bench', '--json'], { cwd: o.dir, env: { ...process.env, LB_BENCH_EMPTY: '' }, stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  await new Promise((resolve) => child.on('close', resolve));
  const drill = JSON.parse(stdout) as { phase: string; phases: { restore: number } };
  return { dumpMB: size / 1e6, plainRestoreMs: plainMs, lifeboatRestoreMs: drill.phases.restore, restoreRatio: drill.phases.restore / plainMs, drillPhase: drill.phase };
}
