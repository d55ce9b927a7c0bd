import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freshnessBench } from './freshness-bench.js';
import { restoreBench } from './restore-bench.js';
import { restorePgBench } from './restore-pg-bench.js';
import { copyBench } from './copy-bench.js';
import { queueBench } from './queue-bench.js';
import { alertsBench } from './alerts-bench.js';
import { metricsBench } from './metrics-bench.js';

/**
 * npm run bench: every figure is a ratio against a baseline measured in the same run,
 * so results compare across machines. Later capabilities add their sections here.
 */
const { values } = parseArgs({
  options: {
    resources: { type: 'string', default: '10000' },
    files: { type: 'string', default: '3' },
    size: { type: 'string', default: '16384' },
    concurrency: { type: 'string', default: '32' },
    'restore-mb': { type: 'string', default: '200' },
    'restore-runs': { type: 'string', default: '3' },
    'copy-mb': { type: 'string', default: '1024' },
    'copy-files': { type: 'string', default: '100' },
    'queue-jobs': { type: 'string', default: '10000' },
    alerts: { type: 'string', default: '1000' },
    'metrics-resources': { type: 'string', default: '10000' },
    only: { type: 'string' },
  },
});
const want = (name: string) => !values.only || values.only.split(',').includes(name);

const dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-bench-'));
try {
  if (want('freshness')) await freshnessSection();
  if (want('restore')) await restoreSection();
  if (want('restore-pg')) await restorePgSection();
  if (want('copy')) await copySection();
  if (want('queue')) await queueSection();
  if (want('alerts')) await alertsSection();
  if (want('metrics')) await metricsSection();
} finally {
  await rm(dir, { recursive: true, force: true });
}

async function alertsSection() {
  const r = await alertsBench({ dir: path.join(dir, 'alerts'), alerts: Number(values.alerts), gapMs: 20 });
  const f = (n: number, d = 0) => n.toFixed(d);
  console.log(`alerts: ${r.alerts} alerts, one every 20 ms, from the status change's event to a webhook receiver on this machine`);
  console.log(`  latency p50 ${f(r.p50Ms)} ms, p99 ${f(r.p99Ms)} ms, max ${f(r.maxMs)} ms (goal p99 <= 2000) ${r.p99Ms <= 2000 ? 'OK' : 'OVER GOAL'}; a bare POST p50 ${f(r.postP50Ms, 2)} ms; ratio p50 ${f(r.ratioP50)}`);
  console.log(JSON.stringify({ bench: 'alerts', ...r }));
}

async function metricsSection() {
  const r = await metricsBench({ dir: path.join(dir, 'metrics'), resources: Number(values['metrics-resources']), scrapes: 5 });
  const f = (n: number, d = 0) => n.toFixed(d);
  console.log(`metrics: /metrics at ${r.resources} resources (${r.series} series)`);
  console.log(`  scrape ${f(r.scrapeMs)} ms (goal <= 1000) ${r.scrapeMs <= 1000 ? 'OK' : 'OVER GOAL'}, ${f(r.bytes / 1024)} KiB; reading the state alone ${f(r.readMs)} ms; ratio ${f(r.ratio, 1)}`);
  console.log(JSON.stringify({ bench: 'metrics', ...r }));
}

async function queueSection() {
  const r = await queueBench({ dir: path.join(dir, 'queue'), jobs: Number(values['queue-jobs']) });
  const f = (n: number, d = 0) => n.toFixed(d);
  console.log(`queue: ${r.jobs} freshness jobs (one resource each) through BullMQ with 2 workers vs the same work in-process (2 at a time)`);
  console.log(`  in-process: ${f(r.inProcessMs)} ms (${f(r.inProcessJobsPerSec)} jobs/s); queue: ${f(r.queueMs)} ms (${f(r.queueJobsPerSec)} jobs/s); ratio ${f(r.ratio, 2)}`);
  console.log(`  overhead per job: ${f(r.overheadMsPerJob, 3)} ms (goal <= 2) ${r.overheadMsPerJob <= 2 ? 'OK' : 'OVER GOAL'}`);
  console.log(`  Redis memory per 1,000 retained results: ${f(r.redisBytesPer1000Results / 1024)} KiB`);
  console.log(JSON.stringify({ bench: 'queue', ...r }));
}

async function copySection() {
  const r = await copyBench({ dir: path.join(dir, 'copy'), files: Number(values['copy-files']), totalMB: Number(values['copy-mb']), bin: path.resolve(fileURLToPath(import.meta.url), '../../../bin/lifeboat.js') });
  const f = (n: number, d = 0) => n.toFixed(d);
  console.log(`copy: ${r.files} files, ${r.totalMB} MB between two local regions (${r.copied} copied, each fsynced and re-read to verify)`);
  console.log(`  cp: ${f(r.cpMs)} ms; cp + sync: ${f(r.cpSyncMs)} ms; lifeboat copy run: ${f(r.lifeboatMs)} ms (${f(r.lifeboatMBps)} MB/s)`);
  console.log(`  ratio lifeboat/cp = ${f(r.ratioVsCp, 2)} (goal <= 1.3) ${r.ratioVsCp <= 1.3 ? 'OK' : 'OVER GOAL'}; lifeboat/(cp + sync) = ${f(r.ratioVsCpSync, 2)}`);
  console.log(`  peak RSS: ${f(r.peakRssMB)} MB (goal <= 150) ${r.peakRssMB <= 150 ? 'OK' : 'OVER GOAL'}`);
  console.log(JSON.stringify({ bench: 'copy', ...r }));
}

async function restoreSection() {
  const r = await restoreBench({ dir: path.join(dir, 'restore'), mb: Number(values['restore-mb']), runs: Number(values['restore-runs']), bin: path.resolve(fileURLToPath(import.meta.url), '../../../bin/lifeboat.js') });
  const f = (n: number, d = 0) => n.toFixed(d);
  console.log(`restore: ${f(r.dumpMB)} MB mysqldump-shaped file into MariaDB, ${r.runs} alternating runs of each (drill ${r.drillPhase})`);
  console.log(`  plain mysql < dump: ${r.plainRunsMs.join(', ')} ms; lifeboat drill run restore phase: ${r.lifeboatRunsMs.join(', ')} ms`);
  console.log(`  medians: plain ${f(r.plainRestoreMs)} ms, lifeboat ${f(r.lifeboatRestoreMs)} ms`);
  console.log(`  ratio lifeboat/plain = ${f(r.restoreRatio, 3)} (goal <= 1.05) ${r.restoreRatio <= 1.05 ? 'OK' : 'OVER GOAL'}`);
  console.log(`  drill process peak RSS: ${f(r.drillPeakRssMB)} MB (goal <= 200) ${r.drillPeakRssMB <= 200 ? 'OK' : 'OVER GOAL'}`);
  console.log(`  verification over ${f(r.tableDataMB)} MB of table data: lifeboat-v1 ${f(r.checksumMBps, 1)} MB/s, CHECKSUM TABLE EXTENDED ${f(r.checksumTableExtendedMBps, 1)} MB/s`);
  console.log(`  time ratio lifeboat-v1/CHECKSUM TABLE = ${f(r.checksumRatio, 2)} (goal <= 1.5) ${r.checksumRatio <= 1.5 ? 'OK' : 'OVER GOAL'}`);
  console.log(JSON.stringify({ bench: 'restore', ...r }));
}

async function restorePgSection() {
  const r = await restorePgBench({ dir: path.join(dir, 'restore-pg'), mb: Number(values['restore-mb']), bin: path.resolve(fileURLToPath(import.meta.url), '../../../bin/lifeboat.js') });
  const f = (n: number, d = 0) => n.toFixed(d);
  console.log(`restore-pg: ${f(r.dumpMB)} MB pg_dump-shaped plain file into PostgreSQL (drill ${r.drillPhase})`);
  console.log(`  psql -f dump: ${f(r.plainRestoreMs)} ms; lifeboat drill run restore phase: ${f(r.lifeboatRestoreMs)} ms`);
  console.log(`  ratio lifeboat/psql = ${f(r.restoreRatio, 3)} (goal <= 1.1) ${r.restoreRatio <= 1.1 ? 'OK' : 'OVER GOAL'}`);
  console.log(JSON.stringify({ bench: 'restore-pg', ...r }));
}

async function freshnessSection() {
  const r = await freshnessBench({ dir, resources: Number(values.resources), files: Number(values.files), size: Number(values.size), concurrency: Number(values.concurrency) });
  const f = (n: number, d = 0) => n.toFixed(d);
  console.log(`freshness: ${r.resources} dump-dir resources, ${r.files} backup files (generated in ${f(r.generateMs / 1000, 1)} s)`);
  console.log(`  first sweep:    ${f(r.firstSweepMs)} ms, ${f(r.firstSweepResourcesPerSec)} resources/s; read ${f(r.firstSweepMB, 1)} MB (${r.firstSweepInspected} files) at ${f(r.firstSweepMBps, 1)} MB/s`);
  console.log(`                  gzip -t + sha256sum of the same files: ${f(r.toolsMBps, 1)} MB/s; time ratio lifeboat/tools = ${f(r.firstVsToolsRatio, 2)}`);
  console.log(`  repeated sweep: ${f(r.repeatSweepMs)} ms, ${f(r.repeatResourcesPerSec)} resources/s`);
  console.log(`  baseline readdir+stat of the same files: ${f(r.baselineReaddirStatMs)} ms`);
  console.log(`  ratio repeated/baseline = ${f(r.repeatVsBaselineRatio, 2)} (goal <= 1.5) ${r.repeatVsBaselineRatio <= 1.5 ? 'OK' : 'OVER GOAL'}`);
  console.log(JSON.stringify({ bench: 'freshness', ...r }));
}
