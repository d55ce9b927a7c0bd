import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import { sweepFreshness } from '../../src/freshness/index.js';
import { createRuntime } from '../../src/main/runtime.js';
import { runCli } from '../helpers/cli.js';
import { writeDump, writeEstate } from '../helpers/estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const NOW = new Date('2026-11-22T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const res = (id: string) => `  - id: ${id}\n    kind: dump-dir\n    region: local\n    path: ${id}\n    rpo: 24h\n`;

async function sweep(dir: string, ids: string[]) {
  const config = await loadConfig(await writeEstate(dir, ids.map(res).join('')));
  const rt = await createRuntime(config, { clock: fixedClock(NOW), logger: silentLogger });
  const { results } = await sweepFreshness(config, rt);
  await rt.close();
  return Object.fromEntries(results.map((r) => [r.resource, r]));
}

describe('freshness: unknown, and a manifest that does not parse', () => {
  it('a resource folder that cannot be listed is unknown (not missing), with why; the others are still judged', async () => {
    const dir = await tmp();
    await mkdir(path.join(dir, 'region'), { recursive: true });
    // A file where the folder should be: nothing can be listed, which is not the same as "no backups".
    await writeFile(path.join(dir, 'region', 'blocked'), 'not a folder');
    const fine = await writeDump(dir, 'fine', 'a.sql', { at: hoursAgo(1) });
    const byId = await sweep(dir, ['blocked', 'fine', 'absent']);
    expect(byId.blocked).toMatchObject({ status: 'unknown', backups: 0, reason: `could not check: cannot list ${path.join(dir, 'region', 'blocked')}: ${path.join(dir, 'region', 'blocked')} is not a folder` });
    expect(byId.blocked!.newestUsable).toBeUndefined();
    expect(byId.fine).toMatchObject({ status: 'fresh' });
    expect(byId.absent).toMatchObject({ status: 'missing', reason: 'no backup files found' });

    // The CLI runs on the real clock: the fine backup is made an hour old by it.
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(fine, hourAgo, hourAgo);
    const r = await runCli(['-c', path.join(dir, 'lifeboat.yaml'), 'check', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { summary: Record<string, number>; results: { resource: string; status: string }[] };
    expect(out.summary).toEqual({ fresh: 1, stale: 0, failing: 0, missing: 1, unknown: 1 });
    const text = await runCli(['-c', path.join(dir, 'lifeboat.yaml'), 'check']);
    expect(text.stdout).toMatch(/^! blocked is unknown: could not check: cannot list /m);
  });

  it.each([
    ['not JSON', '{"version": 1, "size": ', /^manifest is not valid JSON: /],
    ['a wrong version', '{"version": 2}', /^manifest field version: /],
    ['a field of the wrong type', '{"version": 1, "size": "big"}', /^manifest field size: /],
  ])('a manifest that is %s makes its backup unusable and the resource failing, even with an older usable backup', async (_what, text, problem) => {
    const dir = await tmp();
    await writeDump(dir, 'db', 'old.sql', { at: hoursAgo(5), manifest: true });
    const file = await writeDump(dir, 'db', 'new.sql', { at: hoursAgo(1) });
    await writeFile(`${file}.manifest.json`, text);
    const { db } = await sweep(dir, ['db']);
    expect(db!.status).toBe('failing');
    expect(db!.newest).toMatchObject({ name: 'new.sql', problem: expect.stringMatching(problem) });
    expect(db!.newestUsable).toMatchObject({ name: 'old.sql', timeSource: 'manifest' });
    expect(db!.reason).toMatch(new RegExp(`^newest backup new\\.sql: ${problem.source.slice(1)}.*; newest usable old\\.sql is 5h old$`));
  });
});
