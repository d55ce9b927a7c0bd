import { describe, expect, it } from 'vitest';
import { nameTimeParser } from '../../src/domain/name-time.js';
import { globToRegExp } from '../../src/providers/index.js';

describe('time in file names', () => {
  it('reads a UTC stamp anywhere in the name', () => {
    const p = nameTimeParser('{YYYY}{MM}{DD}T{hh}{mm}{ss}Z');
    expect(p('shop-20261122T013000Z.sql.gz')?.toISOString()).toBe('2026-11-22T01:30:00.000Z');
    expect(p('shop-latest.sql.gz')).toBeUndefined();
  });

  it('reads wall time in a zone', () => {
    const p = nameTimeParser('{YYYY}-{MM}-{DD}_{hh}{mm}', 'Asia/Shanghai');
    expect(p('db_2026-11-22_0200.sql')?.toISOString()).toBe('2026-11-21T18:00:00.000Z');
  });

  it('rejects impossible dates', () => {
    expect(nameTimeParser('{YYYY}{MM}{DD}')('x-20261340.sql')).toBeUndefined();
  });
});

describe('file globs', () => {
  it('matches names the way a shell would in one folder', () => {
    const re = globToRegExp('*.sql.gz');
    expect(re.test('a.sql.gz')).toBe(true);
    expect(re.test('a.sql')).toBe(false);
    expect(re.test('a.sql.gz.manifest.json')).toBe(false);
    expect(globToRegExp('db-??.dump').test('db-01.dump')).toBe(true);
    expect(globToRegExp('[ab].sql').test('c.sql')).toBe(false);
  });

  it('takes every character but * ? [ ] as itself, so a name written by a backup tool matches its own pattern', () => {
    // picomatch fails each of these: parentheses, braces, extglobs and backslashes carry meaning there.
    for (const name of ['backup (1).sql', 'shop-{a,b}.sql', '+(a).sql', '@(a|b).sql', '!x.sql', 'a\\b.sql', '$x^.sql', 'db+x.sql']) {
      expect([name, globToRegExp(name).test(name)]).toEqual([name, true]);
    }
    expect(globToRegExp('backup (1).sql').test('backup 1.sql')).toBe(false);
    expect(globToRegExp('shop-{a,b}.sql').test('shop-a.sql')).toBe(false);
    // A backup whose name starts with a dot is still a backup.
    expect(globToRegExp('*.sql.gz').test('.nightly.sql.gz')).toBe(true);
  });
});
