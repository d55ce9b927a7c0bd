import { readFile } from 'node:fs/promises';
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

  it('is what .ci/run runs', async () => {
    const ci = await readFile(path.join(REPO_ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm test /m);
  });
});
