import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { tableChecksum } from '../src/checks/index.js';
import type { SandboxTarget } from '../src/providers/index.js';

const ADMIN = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

/** A mysqldump-shaped file of about `mb` megabytes, written in a stream (the bench holds no dump in memory either). */
export async function writeDump(file: string, mb: number): Promise<number> {
  const out = createWriteStream(file);
  const write = (s: string) => new Promise<void>((resolve) => (out.write(s) ? resolve() : out.once('drain', resolve)));
  await write('-- MySQL dump 10.13\n/*!40101 SET NAMES utf8mb4 */;\n');
  await write('CREATE TABLE `events` (`id` bigint NOT NULL, `kind` varchar(32) NOT NULL, `payload` text, `amount` decimal(12,2) DEFAULT NULL, `at` datetime NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n');
  await write('CREATE TABLE `notes` (`ref` bigint NOT NULL, `body` mediumtext) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n');
  let bytes = 0;
  let id = 0;
  const target = mb * 1e6;
  while (bytes < target) {
    const rows: string[] = [];
    for (let i = 0; i < 2000; i++) {
      id++;
      const payload = `event ${id} `.repeat(12) + 'it\'s \\\\ "quoted"';
      rows.push(`(${id},'k${id % 17}','${payload.replace(/'/g, "\\'")}',${(id % 100000) / 100},'2026-0${1 + (id % 9)}-1${id % 9} 0${id % 10}:00:00')`);
    }
    const line = `INSERT INTO \`events\` VALUES ${rows.join(',')};\n`;
    const note = `INSERT INTO \`notes\` VALUES (${id},'${'x'.repeat(2000)}');\n`;
    await write(line + note);
    bytes += line.length + note.length;
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return (await stat(file)).size;
}

/** Peak resident memory of a process, sampled from /proc (Linux); 0 elsewhere. */
function watchPeakRss(pid: number): () => number {
  let peak = 0;
  const sample = async () => {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
    } catch {
      // The process has exited.
    }
  };
  // Not awaited: a timer cannot wait, and sample catches every error (the one expected: the process gone).
  const timer = setInterval(() => void sample(), 50);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

/** The middle value: one slow run (a MariaDB checkpoint, a busy neighbour) does not decide the ratio. */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Waits until InnoDB has stopped writing out the previous run's pages (or a minute passed):
 * a restore that starts with a full redo log spends its time on the last run's checkpoint.
 * Idle InnoDB keeps a few hundred dirty pages, so "settled" is "no longer falling".
 */
async function settle(admin: mysql.Connection): Promise<void> {
  let last = Infinity;
  for (let waited = 0; waited < 60_000; waited += 1000) {
    const [rows] = await admin.query<mysql.RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'");
    const dirty = Number(rows[0]?.Value ?? 0);
    if (dirty < 100 || dirty >= last) return;
    last = dirty;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** `mysql < dump` into a fresh database; returns its wall time. */
async function plainRestore(admin: mysql.Connection, db: string, dumpFile: string): Promise<number> {
  await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
  await admin.query(`CREATE DATABASE \`${db}\``);
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('sh', ['-c', `mysql -h127.0.0.1 -uroot ${db} < "${dumpFile}"`], { stdio: 'inherit' });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`mysql exit ${code}`))));
  });
  return performance.now() - t0;
}

/** One `lifeboat drill run` on the same file: its restore phase, outcome and peak memory. */
async function lifeboatRestore(o: { dir: string; bin: string }) {
  const child = spawn(process.execPath, [o.bin, 'drill', 'run', 'bench', '--json'], { cwd: o.dir, env: { ...process.env, LB_BENCH_EMPTY: '' }, stdio: ['ignore', 'pipe', 'ignore'] });
  const peak = watchPeakRss(child.pid!);
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  await new Promise((resolve) => child.on('close', resolve));
  const peakRss = peak();
  const drill = JSON.parse(stdout) as { phase: string; phases: { restore: number } };
  return { ms: drill.phases.restore, phase: drill.phase, peakRss };
}

export async function restoreBench(o: { dir: string; mb: number; bin: string; runs: number }) {
  const dumpFile = path.join(o.dir, 'region', 'db', 'big.sql');
  await mkdir(path.dirname(dumpFile), { recursive: true });
  await mkdir(path.join(o.dir, 'drills'), { recursive: true });
  const size = await writeDump(dumpFile, o.mb);
  await writeFile(
    path.join(o.dir, 'lifeboat.yaml'),
    `version: 1\nledger: { dir: ledger }\nstateDir: state\ndefaults: { rpo: 1000d, rto: 24h }\nregions:\n  r: { kind: local, path: region }\ncredentials:\n  admin: { kind: database, user: root, password: { env: LB_BENCH_EMPTY } }\nsandboxes:\n  maria: { kind: mysql, host: 127.0.0.1, port: 3306, credentials: admin }\nresources:\n  - { id: db, kind: dump-dir, region: r, path: db }\n`,
  );
  await writeFile(path.join(o.dir, 'drills', 'bench.yaml'), 'resource: db\nsandbox: maria\ntimeout: 2h\n');

  // The two sides alternate, so neither always follows the other's dirty pages.
  const admin = await mysql.createConnection(ADMIN);
  const baseDb = `lb_bench_${process.pid}`;
  const plain: number[] = [];
  const ours: number[] = [];
  const phases = new Set<string>();
  let peakRss = 0;
  // Each side starts from the same server: no restored database of the other side left
  // behind (a 128 MB buffer pool full of the last restore's pages slowed whoever came second).
  for (let i = 0; i < o.runs; i++) {
    await settle(admin);
    plain.push(await plainRestore(admin, baseDb, dumpFile));
    await admin.query(`DROP DATABASE \`${baseDb}\``);
    await settle(admin);
    const run = await lifeboatRestore(o);
    ours.push(run.ms);
    phases.add(run.phase);
    peakRss = Math.max(peakRss, run.peakRss);
  }

  // Checksums over the restored tables (one more, untimed, restore): lifeboat-v1 in the server vs CHECKSUM TABLE … EXTENDED.
  await plainRestore(admin, baseDb, dumpFile);
  const conn = await mysql.createConnection({ ...ADMIN, database: baseDb, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  const target = { engine: 'mysql', query: async (sql: string) => (await conn.query(sql))[0] } as unknown as SandboxTarget;
  const tables = ['events', 'notes'];
  for (const name of tables) await conn.query(`ANALYZE TABLE \`${name}\``);
  const [[sizeRow]] = (await conn.query(`SELECT SUM(data_length) AS b FROM information_schema.tables WHERE table_schema = '${baseDb}'`)) as unknown as [{ b: string }[]];
  const dataBytes = Number(sizeRow!.b);
  let t = performance.now();
  for (const name of tables) await tableChecksum(target, { schema: baseDb, name });
  const oursMs = performance.now() - t;
  t = performance.now();
  for (const name of tables) await conn.query(`CHECKSUM TABLE \`${name}\` EXTENDED`);
  const checksumTableMs = performance.now() - t;
  await conn.end();
  await admin.query(`DROP DATABASE \`${baseDb}\``);
  await admin.end();
  return {
    dumpMB: size / 1e6,
    runs: o.runs,
    plainRestoreMs: median(plain),
    lifeboatRestoreMs: median(ours),
    plainRunsMs: plain.map(Math.round),
    lifeboatRunsMs: ours,
    restoreRatio: median(ours) / median(plain),
    drillPhase: [...phases].join(','),
    drillPeakRssMB: peakRss / 1e6,
    tableDataMB: dataBytes / 1e6,
    checksumMBps: dataBytes / 1e6 / (oursMs / 1000),
    checksumTableExtendedMBps: dataBytes / 1e6 / (checksumTableMs / 1000),
    checksumRatio: oursMs / checksumTableMs,
  };
}
