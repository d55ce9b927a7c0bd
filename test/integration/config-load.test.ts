import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { SHOP_ESTATE as ESTATE, writeTree } from '../helpers/config-tree.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

async function tree(files: Record<string, string>): Promise<string> {
  return writeTree(await tmp(), files);
}

describe('loading the config tree', () => {
  it('loads the example estate shipped in the repo', async () => {
    const c = await loadConfig(path.join(REPO_ROOT, 'lifeboat.yaml'));
    expect([...c.resources.keys()].sort()).toEqual(['billing-mysql', 'crm-mysql', 'inventory-postgres', 'orders-archive', 'shop-mysql', 'shop-postgres']);
    expect(c.drills.has('shop-monthly')).toBe(true);
    expect(c.schedules.has('freshness')).toBe(true);
    expect(Object.isFrozen(c.estate)).toBe(true);
  });

  it('reports three unrelated mistakes in three files at once, each located', async () => {
    const file = await tree({
      'lifeboat.yaml': ESTATE.replace('    path: shop\n', '    path: shop\n    rpo: 1 day\n'),
      'drills/monthly.yaml': 'resource: shop\nsandbox: nowhere\n',
      'schedules/nightly.yaml': 'job: freshness\ncron: "0 2 * * *"\ntimezon: UTC\n',
    });
    const err = await loadConfig(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatchObject({ file: expect.stringMatching(/lifeboat\.yaml$/), line: 11, column: 10, path: 'resources[0].rpo', message: expect.stringMatching(/expected a duration like/) });
    expect(issues[1]).toMatchObject({ file: expect.stringMatching(/drills\/monthly\.yaml$/), line: 2, column: 10, path: 'sandbox', message: expect.stringMatching(/unknown sandbox "nowhere": expected one of pg/) });
    expect(issues[2]).toMatchObject({ file: expect.stringMatching(/schedules\/nightly\.yaml$/), line: 3, column: 1, path: 'timezon', message: expect.stringMatching(/unknown field/) });
  });

  it('checks cross-references: duplicate ids, unknown regions, drills and resources', async () => {
    const file = await tree({
      'lifeboat.yaml': `${ESTATE}  - id: shop\n    kind: dump-dir\n    region: sh\n    path: x\n`,
      'drills/d.yaml': 'resource: ghost\nsandbox: pg\nbackup: { latest-in-region: mars }\n',
      'schedules/s.yaml': 'job: drill\ndrill: nope\ncron: "0 3 1 * *"\n',
      'schedules/f.yaml': 'job: freshness\nresources: [shop, gone]\ncron: "* * * * *"\n',
    });
    const issues = ((await loadConfig(file).catch((e: unknown) => e)) as ConfigError).issues.map((i) => `${path.basename(i.file)} ${i.path}: ${i.message}`);
    expect(issues).toEqual([
      'lifeboat.yaml resources[1].id: duplicate resource id "shop" (first used by resources[0])',
      'lifeboat.yaml resources[1].region: unknown region "sh": expected one of bj',
      'd.yaml resource: unknown resource "ghost": expected one of shop',
      'd.yaml backup.latest-in-region: unknown region "mars": expected one of bj',
      'f.yaml resources[1]: unknown resource "gone": expected one of shop',
      's.yaml drill: unknown drill "nope": expected one of d',
    ]);
  });

  it('names a missing estate file', async () => {
    await expect(loadConfig('/nonexistent/lifeboat.yaml')).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND' });
  });

  it('never echoes a literal secret back', async () => {
    const file = await tree({ 'lifeboat.yaml': `${ESTATE}credentials:\n  db: { kind: database, user: u, password: "s3cr3t-value" }\n` });
    const err = (await loadConfig(file).catch((e: unknown) => e)) as ConfigError;
    expect(err.message).toMatch(/credentials\.db\.password: a literal secret is not allowed/);
    expect(err.message).not.toContain('s3cr3t-value');
  });
});
