import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { put, readAll, type Implementation, type Place } from './implementations.js';

const writePartial = async (place: Place, key: string, offset: number, bytes: string) => pipeline(Readable.from([Buffer.from(bytes)]), await place.b.openPartial(key, offset));

/** The resumable, verify-before-publish upload the copy code drives (copy-file.ts). */
export function partialsContract(impl: Implementation): void {
  describe('resumable uploads', () => {
    let place: Place;
    beforeEach(async () => {
      place = await impl.open();
    });

    it('a partial resumes from its size, reads back, and publishes read-only under its key, never over another', async () => {
      expect(await place.b.partialSize('db/x.sql')).toBe(0);
      await writePartial(place, 'db/x.sql', 0, 'hello ');
      expect(await place.b.partialSize('db/x.sql')).toBe(6);
      // Not an object yet: neither listed nor stat-able.
      expect(await place.b.stat('db/x.sql')).toBeUndefined();
      expect((await place.b.list('')).entries).toEqual([]);
      expect(await place.b.leftovers('db/')).toEqual([{ key: 'db/x.sql', final: 'none' }]);
      await writePartial(place, 'db/x.sql', 6, 'world');
      await place.b.syncPartial('db/x.sql');
      expect((await readAll(await place.b.readPartial('db/x.sql'))).toString()).toBe('hello world');
      const mtime = new Date('2026-11-01T00:00:00Z');
      expect(await place.b.commit('db/x.sql', { mtime, storageClass: 'ARCHIVE' })).toBe('committed');
      expect(await place.b.stat('db/x.sql')).toMatchObject({ size: 11, mtimeMs: mtime.getTime(), writable: false });
      expect(await place.b.leftovers('db/')).toEqual([]);

      await writePartial(place, 'db/x.sql', 0, 'another');
      expect(await place.b.commit('db/x.sql', { mtime, storageClass: 'ARCHIVE' })).toBe('exists');
      await place.b.discardPartial('db/x.sql');
      expect((await readAll(await place.b.open('db/x.sql'))).toString()).toBe('hello world');
    });

    it('copyIntoPartial copies between two stores of its kind, or says it cannot', async () => {
      await put(place.a, 'db/y.sql', 'server side');
      if (!(await place.b.copyIntoPartial(place.a, 'db/y.sql'))) return;
      expect((await readAll(await place.b.readPartial('db/y.sql'))).toString()).toBe('server side');
      expect(await place.b.commit('db/y.sql', { mtime: new Date(), storageClass: 'STANDARD' })).toBe('committed');
      expect((await readAll(await place.b.open('db/y.sql'))).toString()).toBe('server side');
    });
  });
}
