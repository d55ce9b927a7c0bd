import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSecret, unresolvedSecrets } from '../../src/config/index.js';
import { estateSchema } from '../../src/config/schemas/estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

describe('secret references', () => {
  it('reads from the environment, and names the variable when it is missing', async () => {
    expect(await resolveSecret({ env: 'DB_PW' }, 'credentials.db.password', { DB_PW: 's3cret' }, '/')).toBe('s3cret');
    await expect(resolveSecret({ env: 'DB_PW' }, 'credentials.db.password', {}, '/')).rejects.toThrow('credentials.db.password: environment variable DB_PW is not set');
  });

  it('reads a secret file relative to the estate, without its trailing newline', async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, 'pw'), 'hunter2\n');
    expect(await resolveSecret({ file: 'pw' }, 'x', {}, dir)).toBe('hunter2');
    const err = await resolveSecret({ file: 'nope' }, 'credentials.db.password', {}, dir).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/credentials\.db\.password: cannot read secret file .*nope: ENOENT/);
  });

  it('lists every unresolvable reference in the estate, and never a value', async () => {
    const estate = estateSchema.parse({
      version: 1,
      regions: {},
      resources: [],
      credentials: { db: { kind: 'database', user: 'u', password: { env: 'PW' } }, tc: { kind: 'tencent', secretId: { env: 'ID' }, secretKey: { env: 'KEY' } } },
      alertRoutes: { pd: { kind: 'pagerduty', routingKey: { env: 'PD_KEY' } } },
    });
    const missing = await unresolvedSecrets(estate, { PW: 'present-value', ID: 'x' }, '/');
    expect(missing).toEqual(['credentials.tc.secretKey: environment variable KEY is not set', 'alertRoutes.pd.routingKey: environment variable PD_KEY is not set']);
    expect(missing.join()).not.toContain('present-value');
  });
});
