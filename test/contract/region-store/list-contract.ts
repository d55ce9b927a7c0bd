import { beforeEach, describe, expect, it } from 'vitest';
import type { ObjectInfo, RegionStore } from '../../../src/providers/index.js';
import { byteOrder, type Implementation, type Place } from './implementations.js';

/** 2,500 keys over nested prefixes, with names that sort around '/' the way a naive walk gets wrong. */
function manyKeys(): string[] {
  const keys: string[] = [];
  for (let i = 0; i < 2440; i++) keys.push(`p${i % 4}/q${Math.floor(i / 4) % 10}/${i % 3 ? 'r/' : ''}k-${String(i).padStart(4, '0')}.bin`);
  // 'p1-x' and 'p1.x' sort before 'p1/…' ('-' and '.' are below '/'); 'p10' after; 'q1x' is not in folder 'q1'.
  for (const k of ['p1-x', 'p1.x', 'p10', 'p1/q1x.bin', 'p1/q1-y.bin', 'top.bin', 'Z.bin', 'é.bin', 'ü/deep/er/still.bin', 'a', 'aa/b']) keys.push(k);
  for (let i = 0; keys.length < 2500; i++) keys.push(`flat/f-${i}`);
  return keys;
}

async function allPages(store: RegionStore, prefix: string, limit: number): Promise<{ keys: string[]; pages: number; entries: ObjectInfo[] }> {
  const entries: ObjectInfo[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.list(prefix, { cursor, limit });
    expect(page.entries.length).toBeLessThanOrEqual(limit);
    entries.push(...page.entries);
    cursor = page.next;
    pages++;
  } while (cursor !== undefined && pages < 10_000);
  return { keys: entries.map((e) => e.key), pages, entries };
}

export function listContract(impl: Implementation): void {
  describe('list', () => {
    let place: Place;
    let keys: string[];
    beforeEach(async () => {
      place = await impl.open();
      keys = manyKeys();
      for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((k) => place.seed(place.a, k, `${k}\n`)));
    }, 120_000);

    it('pages through 2,500 keys in nested prefixes: every key once, in byte order, sizes right', async () => {
      const { keys: listed, pages, entries } = await allPages(place.a, '', 97);
      expect(listed).toEqual([...keys].sort(byteOrder));
      expect(new Set(listed).size).toBe(2500);
      expect(pages).toBe(Math.ceil(2500 / 97));
      for (const e of entries) expect(e.size).toBe(Buffer.byteLength(`${e.key}\n`));
      // One big page is the same listing.
      expect((await place.a.list('', { limit: 5000 })).entries.map((e) => e.key)).toEqual(listed);
    });

    it('lists by string prefix, as COS does: a folder, or any start of a key', async () => {
      const sorted = [...keys].sort(byteOrder);
      for (const prefix of ['p1/', 'p1/q1', 'p1', 'p1/q3/r/', 'ü/', 'flat/f-1', 'nothing/', 'p1/q1x.bin']) {
        expect((await allPages(place.a, prefix, 50)).keys, prefix).toEqual(sorted.filter((k) => k.startsWith(prefix)));
      }
    });

    it('a cursor is stable: asked again it gives the same page, and keys added behind it do not move it', async () => {
      const first = await place.a.list('', { limit: 700 });
      const second = await place.a.list('', { limit: 700, cursor: first.next });
      expect((await place.a.list('', { limit: 700, cursor: first.next })).entries.map((e) => e.key)).toEqual(second.entries.map((e) => e.key));
      // A key before the cursor is not shown later; one after it is, in its place.
      const lastOfFirst = first.entries.at(-1)!.key;
      await place.seed(place.a, 'a-before', 'x');
      await place.seed(place.a, 'ü/zz-after', 'x');
      expect(byteOrder('a-before', lastOfFirst)).toBeLessThan(0);
      const rest: string[] = [];
      let cursor = first.next;
      while (cursor !== undefined) {
        const page = await place.a.list('', { limit: 700, cursor });
        rest.push(...page.entries.map((e) => e.key));
        cursor = page.next;
      }
      expect(rest).not.toContain('a-before');
      expect(rest.at(-1)).toBe('ü/zz-after');
      expect([...first.entries.map((e) => e.key), ...rest]).toEqual([...keys, 'ü/zz-after'].sort(byteOrder));
    });

    it('an empty store, or a prefix with nothing under it, is one empty last page', async () => {
      expect(await place.b.list('')).toEqual({ entries: [] });
      expect(await place.a.list('no/such/')).toEqual({ entries: [] });
    });
  });
}
