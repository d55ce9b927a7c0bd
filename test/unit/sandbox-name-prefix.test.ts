import { describe, expect, it } from 'vitest';
import { estateSchema } from '../../src/config/schemas/estate.js';
import { isLifeboatName, sandboxNames } from '../../src/providers/sandboxes/names.js';

const RUN = 'nightly-shop-20260301T020000Z-a1b2c3';
const estate = (namePrefix: unknown) => ({
  version: 1,
  regions: { bj: { kind: 'local', path: '/data/bj' } },
  credentials: { admin: { kind: 'database', user: 'root', password: { env: 'LB_PW' } } },
  sandboxes: { maria: { kind: 'mysql', host: '127.0.0.1', credentials: 'admin', namePrefix } },
  resources: [{ id: 'shop', kind: 'dump-dir', region: 'bj', path: 'shop' }],
});

describe('sandbox namePrefix', () => {
  it('without a prefix, names stay lbdrill_<drill>_<run> and lbrun_<run>', () => {
    expect(sandboxNames('Nightly Shop', RUN)).toEqual({ database: 'lbdrill_nightly_shop_000za1b2c3', user: 'lbrun_000za1b2c3' });
  });

  it("with a prefix, the installation's mark follows lbdrill_/lbrun_ and the names stay droppable", () => {
    const n = sandboxNames('Nightly Shop', RUN, 'eu2');
    expect(n).toEqual({ database: 'lbdrill_eu2_nightly_shop_000za1b2c3', user: 'lbrun_eu2_000za1b2c3' });
    expect(n.user.length).toBeLessThanOrEqual(32); // MySQL's user name limit, with the longest prefix below too
    expect(sandboxNames('x', RUN, 'abcdefgh').user.length).toBeLessThanOrEqual(32);
    expect([isLifeboatName(n.database), isLifeboatName(n.user)]).toEqual([true, true]);
  });

  it('the drop check still refuses names lifeboat does not make', () => {
    expect(['shop', 'lbrun_', 'lbrun_a_b_c', 'lbrun_x;drop', 'lbdrill_Shop', 'xlbdrill_a'].map(isLifeboatName)).toEqual([false, false, false, false, false, false]);
  });

  it('the schema takes a short lowercase identifier and refuses anything else, naming the field', () => {
    expect(estateSchema.parse(estate('t1a2b3')).sandboxes!.maria).toMatchObject({ namePrefix: 't1a2b3' });
    for (const bad of ['', '1abc', 'Eu', 'a_b', 'abcdefghi', 'a;b']) {
      const r = estateSchema.safeParse(estate(bad));
      expect(r.success, bad).toBe(false);
      expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['sandboxes.maria.namePrefix', 'expected 1-8 lowercase letters or digits, starting with a letter']]);
    }
  });
});
