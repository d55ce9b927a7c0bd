import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runDrill, type DrillRun } from '../../src/drills/index.js';
import { drillEstate, drillRuntime, placeDump } from '../helpers/drill-estate.js';
import { leftoversOf, ownDrill } from '../helpers/own-drills.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const NOW = new Date('2026-11-22T02:00:00Z');
const D = 24 * 3_600_000;
const daysAgo = (d: number) => new Date(NOW.getTime() - d * D);

/** Five backups, each holding its own marker value, so what was restored is read back from the sandbox. */
const BACKUPS = [
  { name: 'a.sql', days: 50, marker: 1 },
  { name: 'b.sql', days: 20, marker: 2 },
  { name: 'c.sql', days: 10, marker: 3 },
  { name: 'd.sql', days: 2, marker: 4 },
  { name: 'e.sql', days: 1, marker: 5, rotten: true },
];

async function estate() {
  const dir = await tmp();
  await drillEstate(dir);
  for (const b of BACKUPS) {
    const file = await placeDump(dir, b.name, `CREATE TABLE marker (v INT);\nINSERT INTO marker VALUES (${b.marker});\n`, { at: daysAgo(b.days) });
    if (b.rotten) {
      const m = JSON.parse(await readFile(`${file}.manifest.json`, 'utf8')) as Record<string, unknown>;
      await writeFile(`${file}.manifest.json`, JSON.stringify({ ...m, sha256: 'f'.repeat(64) }));
    }
  }
  return dir;
}

const drillYaml = (backup: string) => `resource: db
sandbox: maria
backup: ${backup}
checks:
  assertions:
    - { name: marker, sql: "SELECT v FROM marker", min: 0 }
`;

/** The backup a run restored, by its name in the run and by the marker read back from the sandbox. */
const restored = (run: DrillRun) => ({ name: run.backup?.name, marker: run.checks?.find((c) => c.kind === 'assertion' && c.name === 'marker')?.actual, phase: run.phase });

describe('backup selection on real folders', () => {
  it('at: restores the newest usable backup at or before the time, and says which', async () => {
    const dir = await estate();
    const name = await ownDrill(dir, 'selat', drillYaml(`{ at: ${daysAgo(15).toISOString()} }`));
    const exact = await ownDrill(dir, 'selatx', drillYaml(`{ at: ${daysAgo(10).toISOString()} }`));
    const early = await ownDrill(dir, 'selate', drillYaml('{ at: 2020-01-01T00:00:00Z }'));
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`, NOW);
    expect(restored(await runDrill(name, rt))).toEqual({ name: 'b.sql', marker: 2, phase: 'passed' });
    expect(restored(await runDrill(exact, rt))).toEqual({ name: 'c.sql', marker: 3, phase: 'passed' });
    const none = await runDrill(early, rt);
    expect(none.phase).toBe('failed');
    expect(none.error).toBe('no usable backup of db matches {"at":"2020-01-01T00:00:00Z"}');
    await rt.close();
    const finished = (await readFile(`${dir}/ledger/ledger.jsonl`, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: { backup: { name: string } | null } })
      .filter((r) => r.type === 'drill.finished');
    expect(finished.map((r) => r.data.backup?.name ?? null)).toEqual(['b.sql', 'c.sql', null]);
    for (const d of [name, exact, early]) expect(await leftoversOf('maria', d)).toEqual([]);
  });

  it('random-within: any usable backup inside the window, never one outside it or an unusable one (named as skipped)', async () => {
    const dir = await estate();
    const name = await ownDrill(dir, 'selrnd', drillYaml('{ random-within: 30d }'));
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`, NOW);
    const pick = async (random: number) => {
      const run = await runDrill(name, { ...rt, random: () => random });
      expect(run.steps.find((s) => s.name === 'locate')!.details!.skipped).toEqual([{ name: 'e.sql', reason: expect.stringMatching(/^sha256 .* differs from the manifest's ffffffffffff/) }]);
      return restored(run);
    };
    // Usable in the window, newest first: d, c, b (a is 50 days old, e is rotten).
    expect(await pick(0)).toEqual({ name: 'd.sql', marker: 4, phase: 'passed' });
    expect(await pick(0.5)).toEqual({ name: 'c.sql', marker: 3, phase: 'passed' });
    expect(await pick(0.99)).toEqual({ name: 'b.sql', marker: 2, phase: 'passed' });
    await rt.close();
    expect(await leftoversOf('maria', name)).toEqual([]);
  });
});
