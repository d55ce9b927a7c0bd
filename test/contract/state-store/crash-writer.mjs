// A writer for the crash tests, killed with SIGKILL by the test: plain JS over the built
// store (dist/), as tsx is not installed. argv: <place spec JSON> <loop | hold-copies | hold-freshness>.
// It reports each write on stdout only once it has resolved, so the test knows what must survive.
import { writeSync } from 'node:fs';
import { makeRunId, STEPS } from '../../../dist/src/drills/index.js';
import * as state from '../../../dist/src/state/index.js';

const [specJson, mode] = process.argv.slice(2);
const spec = JSON.parse(specJson);
const store = spec.kind === 'files' ? state.createFileStateStore(spec.dir) : await state.openPostgresStateStore({ url: spec.url, schema: spec.schema });
// Synchronous, so a line is out before the process blocks or dies.
const say = (line) => writeSync(1, `${line}\n`);

const base = Date.parse('2026-06-01T00:00:00.000Z');
const runs = Array.from({ length: 5 }, (_, i) => {
  const at = new Date(base + i * 1234);
  return { runId: makeRunId('crash', at, Math.random), drill: 'crash', resource: 'res', sandbox: 'sb', phase: 'running', startedAt: at.toISOString(), owner: { host: 'h', pid: process.pid }, steps: [] };
});

const step = (i, n) => ({ name: STEPS[n % STEPS.length], startedAt: new Date(base + i * 1000).toISOString(), ok: true, details: { i, pad: 'p'.repeat(2000) } });
const copy = (i) => ({ resource: 'res', region: 'cold', key: `k${i}`, size: i, mtimeMs: i, sha256: 'ab'.repeat(32), backupTime: new Date(base).toISOString(), verifiedAt: new Date(base + i).toISOString(), ok: true });

async function writeOnce(i) {
  const run = runs[i % runs.length];
  run.steps = [...run.steps, step(i, run.steps.length)];
  await store.runs.save(run);
  say(`run ${run.runId} ${run.steps.length}`);
  await store.copies.update((reg) => {
    reg[`cold:k${i}`] = copy(i);
  });
  say(`copy cold:k${i}`);
}

/** Blocks the whole process inside the store's lock: no timer, no I/O, until it is killed. */
const blockForever = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);

if (mode === 'loop') {
  for (let i = 0; ; i++) await writeOnce(i);
} else if (mode === 'hold-copies') {
  await writeOnce(0);
  await store.copies.update(() => {
    say('holding');
    blockForever();
  });
} else if (mode === 'hold-freshness') {
  await writeOnce(0);
  await store.freshness.update(async () => {
    say('holding');
    blockForever();
    return { state: {}, value: undefined };
  });
} else {
  throw new Error(`unknown mode ${mode}`);
}
