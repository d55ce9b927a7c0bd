import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import { sweepFreshness } from '../../src/freshness/index.js';
import { createRuntime } from '../../src/main/runtime.js';
import { writeDump } from '../helpers/estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const NOW = new Date('2026-11-22T12:00:00Z');
// Enough resources for the sweep to list their folders in batches on a worker thread.
const N = 210;

/** N resources, each with one fresh backup; r-000's folder lies under a file, so listing it fails for real (even as root). */
async function estate() {
  const dir = await tmp();
  const ids = Array.from({ length: N }, (_, i) => `r-${String(i).padStart(3, '0')}`);
  const lines = ids.map((id, i) => `  - { id: ${id}, kind: dump-dir, region: r, path: ${i === 0 ? 'blocker/r-000' : id} }`);
  await writeFile(path.join(dir, 'lifeboat.yaml'), `version: 1\nledger: { dir: ledger }\nstateDir: state\ndefaults: { rpo: 1d }\nregions:\n  r: { kind: local, path: region }\nresources:\n${lines.join('\n')}\n`);
  for (const id of ids.slice(1)) await writeDump(dir, id, `${id}.sql`, { at: new Date(NOW.getTime() - 3_600_000), content: `-- ${id}\n` });
  await writeDump(dir, 'r-001', 'unused.sql', { at: new Date(NOW.getTime() - 7_200_000), content: '-- older\n' });
  await writeFile(path.join(dir, 'region/blocker'), 'a file where a folder should be\n');
  const config = await loadConfig(path.join(dir, 'lifeboat.yaml'));
  const rt = await createRuntime(config, { clock: fixedClock(NOW), logger: silentLogger, env: {} });
  return { dir, config, rt };
}

describe('a failed listing in a batched (worker-thread) freshness sweep', () => {
  it('a folder the worker thread cannot list makes that resource unknown, with the reason; the others are judged', async () => {
    const { dir, config, rt } = await estate();
    const { results } = await sweepFreshness(config, rt);
    await rt.close();
    expect(results).toHaveLength(N);
    const bad = results.find((r) => r.resource === 'r-000')!;
    expect(bad).toMatchObject({ status: 'unknown', reason: `could not check: cannot list ${path.join(dir, 'region/blocker/r-000')}: ${path.join(dir, 'region/blocker')} is not a folder`, backups: 0 });
    expect(new Set(results.filter((r) => r.resource !== 'r-000').map((r) => r.status))).toEqual(new Set(['fresh']));
  });

  it('a batch listing that fails as a whole makes each resource of the batch unknown with the reason, instead of being swallowed', async () => {
    const { config, rt } = await estate();
    // The worker thread is the catalog's: its failure is injected at that edge, as a worker crash reaches the sweep.
    const crash = new Error('worker thread exited with code 134');
    const { results } = await sweepFreshness(config, { ...rt, catalog: { ...rt.catalog, prefetch: () => Promise.reject(crash) } });
    await rt.close();
    expect(results).toHaveLength(N);
    expect(new Set(results.map((r) => `${r.status}: ${r.reason}`))).toEqual(new Set(['unknown: could not check: listing its folder on the worker thread failed: worker thread exited with code 134']));
  });

  it('a sweep whose batch listing works judges every resource as before', async () => {
    const { config, rt } = await estate();
    let batches = 0;
    const { results } = await sweepFreshness(config, { ...rt, catalog: { ...rt.catalog, prefetch: (rs, region) => (batches++, rt.catalog.prefetch!(rs, region)) } });
    await rt.close();
    expect(batches).toBe(1);
    expect(results.filter((r) => r.status === 'fresh')).toHaveLength(N - 1);
  });
});
