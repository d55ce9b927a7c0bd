import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigReference, replaceReference } from '../../src/docs/config-reference.js';
import { REPO_ROOT } from '../helpers/cli.js';

describe('README', () => {
  it('carries the config reference generated from the current schemas (run npm run docs)', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(replaceReference(readme, renderConfigReference())).toBe(readme);
  });

  it('shows the two commands', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });

  it('names, before the tour, every program the code, the tests and the benchmarks start', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const firstSection = readme.slice(0, readme.indexOf('## Five-minute tour'));
    const named = new Set([...firstSection.matchAll(/`([a-z][a-z0-9_-]*)`/g)].map((m) => m[1]));
    const started = new Set<string>();
    for (const folder of ['src', 'test', 'bench']) {
      for (const file of await readdir(path.join(REPO_ROOT, folder), { recursive: true })) {
        if (!file.endsWith('.ts')) continue;
        const text = await readFile(path.join(REPO_ROOT, folder, file), 'utf8');
        // spawn, execFile and their wrappers (run, timedChild) called with a program name and an argument list.
        for (const m of text.matchAll(/\b(?:spawn|spawnSync|execFile|execFileSync|run|timedChild)\(\s*'([a-z][a-z0-9_-]*)',\s*\[/g)) started.add(m[1]!);
      }
    }
    started.delete('sh');
    expect(started.size).toBeGreaterThanOrEqual(4);
    expect([...started].filter((p) => !named.has(p))).toEqual([]);
  });

  it('is what .ci/run runs', async () => {
    const ci = await readFile(path.join(REPO_ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm test /m);
  });
});
