import { beforeEach, describe, expect, it } from 'vitest';
import { put, type Implementation, type Place } from './implementations.js';

/** Keys that would leave the store, or name something else than they seem. */
export const BAD_KEYS = ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a/./b', 'a\0b', 'a\\b', '..\\x', 'a/', '', '.', 'x\n'];

export function keysContract(impl: Implementation): void {
  describe('keys', () => {
    let place: Place;
    beforeEach(async () => {
      place = await impl.open();
    });

    it.each(BAD_KEYS.map((k) => [JSON.stringify(k), k]))('refuses key %s in every call, writing nothing', async (_shown, key) => {
      await expect(place.a.stat(key)).rejects.toThrow(/key/);
      await expect(place.a.open(key)).rejects.toThrow(/key/);
      await expect(place.a.putIfAbsent(key)).rejects.toThrow(/key/);
      await expect(place.a.thawStatus(key)).rejects.toThrow(/key/);
      await expect(place.a.partialSize(key)).rejects.toThrow(/key/);
      await expect(place.a.openPartial(key, 0)).rejects.toThrow(/key/);
      if (place.a.copy) {
        await put(place.a, 'ok', 'x');
        await expect(place.a.copy('ok', place.b, key)).rejects.toThrow(/key/);
      }
      expect((await place.a.list('')).entries.map((e) => e.key).filter((k) => k !== 'ok')).toEqual([]);
      expect((await place.b.list('')).entries).toEqual([]);
    });

    it('refuses listing prefixes that would leave the store', async () => {
      for (const prefix of ['../', '/', '/etc/', 'a//', 'a/../', 'a\\', 'a\0']) await expect(place.a.list(prefix), JSON.stringify(prefix)).rejects.toThrow(/prefix/);
    });

    it('takes keys with spaces, dots inside names, unicode and deep folders', async () => {
      const keys = ['with space.sql', 'a.b/..c/d..', 'ünï/cødé.bin', `${'d/'.repeat(30)}leaf`];
      for (const k of keys) await put(place.a, k, k);
      for (const k of keys) expect(await place.a.stat(k), k).toMatchObject({ size: Buffer.byteLength(k) });
    });
  });
}
