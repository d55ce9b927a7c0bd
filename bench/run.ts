import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freshnessBench } from './freshness-bench.js';

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
  },
});

const dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-bench-'));
try {
  const r = await freshnessBench({ dir, resources: Number(values.resources), files: Number(values.files), size: Number(values.size), concurrency: Number(values.concurrency) });
  const f = (n: number, d = 0) => n.toFixed(d);
  console.log(`freshness: ${r.resources} dump-dir resources, ${r.files} backup files (generated in ${f(r.generateMs / 1000, 1)} s)`);
  console.log(`  first sweep:    ${f(r.firstSweepMs)} ms, ${f(r.firstSweepResourcesPerSec)} resources/s; read ${f(r.firstSweepMB, 1)} MB (${r.firstSweepInspected} files) at ${f(r.firstSweepMBps, 1)} MB/s`);
  console.log(`                  gzip -t + sha256sum of the same files: ${f(r.toolsMBps, 1)} MB/s; time ratio lifeboat/tools = ${f(r.firstVsToolsRatio, 2)}`);
  console.log(`  repeated sweep: ${f(r.repeatSweepMs)} ms, ${f(r.repeatResourcesPerSec)} resources/s`);
  console.log(`  baseline readdir+stat of the same files: ${f(r.baselineReaddirStatMs)} ms`);
  console.log(`  ratio repeated/baseline = ${f(r.repeatVsBaselineRatio, 2)} (goal <= 1.5) ${r.repeatVsBaselineRatio <= 1.5 ? 'OK' : 'OVER GOAL'}`);
  console.log(JSON.stringify({ bench: 'freshness', ...r }));
} finally {
  await rm(dir, { recursive: true, force: true });
}
