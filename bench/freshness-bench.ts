import { execFile } from 'node:child_process';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { limitsFor, loadConfig } from '../src/config/index.js';
import { systemClock } from '../src/domain/clock.js';
import { silentLogger } from '../src/domain/logger.js';
import { mapLimit } from '../src/domain/map-limit.js';
import { readdirFast as readdir, statFast as stat } from '../src/fsutil/index.js';
import { sweepFreshness } from '../src/freshness/index.js';
import { createRuntime } from '../src/main/runtime.js';

const run = promisify(execFile);

export interface FreshnessBenchOptions {
  dir: string;
  resources: number;
  files: number;
  size: number;
  concurrency: number;
}

/** Writes N dump-dir resources of F gzip dumps each (half with manifests), returns the estate file. */
export async function generate(o: FreshnessBenchOptions): Promise<string> {
  const region = path.join(o.dir, 'region');
  // Incompressible-ish bytes, so `size` is roughly the size on disk.
  const body = gzipSync(Buffer.concat([Buffer.from('-- MySQL dump\n'), randomBytes(o.size)]), { level: 1 });
  const sha = createHash('sha256').update(body).digest('hex');
  const now = Date.now();
  const lines = ['version: 1', 'ledger: { dir: ledger }', 'stateDir: state', `defaults: { rpo: 24h, concurrency: ${o.concurrency} }`, 'regions:', `  r: { kind: local, path: region }`, 'resources:'];
  await mapLimit(
    Array.from({ length: o.resources }, (_, i) => i),
    32,
    async (i) => {
      const dir = path.join(region, `res-${i}`);
      await mkdir(dir, { recursive: true });
      for (let f = 0; f < o.files; f++) {
        const at = new Date(now - (f + 1) * 3_600_000);
        const file = path.join(dir, `dump-${f}.sql.gz`);
        await writeFile(file, body);
        await utimes(file, at, at);
        if (i % 2 === 0) await writeFile(`${file}.manifest.json`, JSON.stringify({ version: 1, size: body.length, sha256: sha, consistentPoint: at.toISOString() }));
      }
    },
  );
  for (let i = 0; i < o.resources; i++) lines.push(`  - { id: res-${i}, kind: dump-dir, region: r, path: res-${i} }`);
  const estate = path.join(o.dir, 'lifeboat.yaml');
  await writeFile(estate, `${lines.join('\n')}\n`);
  return estate;
}

/** The plain baseline: readdir and stat every file, with the same concurrency and the same (fastest) fs calls. */
async function readdirStat(region: string, resources: number, concurrency: number): Promise<number> {
  let files = 0;
  await mapLimit(
    Array.from({ length: resources }, (_, i) => i),
    concurrency,
    async (i) => {
      const dir = path.join(region, `res-${i}`);
      const names = await readdir(dir);
      await Promise.all(names.map((n) => stat(path.join(dir, n))));
      files += names.length;
    },
  );
  return files;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export async function freshnessBench(o: FreshnessBenchOptions) {
  const gen = await timed(() => generate(o));
  // 10,000 resources in one file is past the default 4 MiB budget: such an estate sets LIFEBOAT_CONFIG_MAX_BYTES, and so does this bench.
  const config = await loadConfig(gen.value, { limits: limitsFor(64 << 20) });
  const region = path.join(o.dir, 'region');
  const rt = await createRuntime(config, { clock: systemClock, logger: silentLogger });

  const first = await timed(() => sweepFreshness(config, rt));
  const { stats } = first.value;
  const newestFiles = Array.from({ length: o.resources }, (_, i) => path.join(region, `res-${i}`, 'dump-0.sql.gz'));

  // Alternate the two so both see the same page cache and machine load; compare medians.
  const baselines: number[] = [];
  const repeats: number[] = [];
  for (let k = 0; k < 7; k++) {
    baselines.push((await timed(() => readdirStat(region, o.resources, o.concurrency))).ms);
    repeats.push((await timed(() => sweepFreshness(config, rt))).ms);
  }
  const baseline = median(baselines);
  const repeat = median(repeats);

  const tools = await timed(async () => {
    for (const cmd of ['gzip -t', 'sha256sum']) {
      const [bin, ...args] = cmd.split(' ');
      for (let i = 0; i < newestFiles.length; i += 2000) await run(bin!, [...args, ...newestFiles.slice(i, i + 2000)], { maxBuffer: 1 << 26 });
    }
  });
  const mb = stats.bytesInspected / 1e6;
  return {
    resources: o.resources,
    files: o.resources * o.files,
    generateMs: gen.ms,
    firstSweepMs: first.ms,
    firstSweepResourcesPerSec: o.resources / (first.ms / 1000),
    firstSweepInspected: stats.backupsInspected,
    firstSweepMB: mb,
    firstSweepMBps: mb / (first.ms / 1000),
    toolsMBps: mb / (tools.ms / 1000),
    firstVsToolsRatio: first.ms / tools.ms,
    repeatSweepMs: repeat,
    repeatResourcesPerSec: o.resources / (repeat / 1000),
    baselineReaddirStatMs: baseline,
    repeatVsBaselineRatio: repeat / baseline,
  };
}
