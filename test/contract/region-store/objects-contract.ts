import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { ObjectExistsError, parseObjectUri, STORAGE_CLASSES } from '../../../src/providers/index.js';
import { put, readAll, type Implementation, type Place } from './implementations.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function objectsContract(impl: Implementation): void {
  describe('objects', () => {
    let place: Place;
    beforeEach(async () => {
      place = await impl.open();
    });

    it('stat and open: size, time, its sha256 when given, not archived; ranges inclusive of end', async () => {
      const body = randomBytes(300_000);
      const mtime = new Date('2026-11-20T10:00:00Z');
      await put(place.a, 'db/2026/x.bin', body, { size: body.length, sha256: sha(body), mtime });
      expect(await place.a.stat('db/2026/x.bin')).toMatchObject({ key: 'db/2026/x.bin', size: body.length, mtimeMs: mtime.getTime(), sha256: sha(body), archived: false, restoring: false });
      expect(await readAll(await place.a.open('db/2026/x.bin'))).toEqual(body);
      expect(await readAll(await place.a.open('db/2026/x.bin', { start: 10, end: 19 }))).toEqual(body.subarray(10, 20));
      expect(await readAll(await place.a.open('db/2026/x.bin', { start: body.length - 5 }))).toEqual(body.subarray(-5));
      expect(await readAll(await place.a.open('db/2026/x.bin', { end: 0 }))).toEqual(body.subarray(0, 1));
      expect(await place.a.stat('db/2026/nope.bin')).toBeUndefined();
      // A folder is no object: nothing (COS), or a name marked as not one (a local folder), never readable.
      const folder = await place.a.stat('db');
      expect(folder === undefined || folder.notFile !== undefined).toBe(true);
      await expect(place.a.open('db/2026/nope.bin')).rejects.toThrow();
    });

    it('putIfAbsent never replaces: refused at open when the key exists, and at publish when another write won', async () => {
      await put(place.a, 'k', 'first');
      await expect(place.a.putIfAbsent('k')).rejects.toBeInstanceOf(ObjectExistsError);
      const [w1, w2] = [await place.a.putIfAbsent('race'), await place.a.putIfAbsent('race')];
      await pipeline(Readable.from([Buffer.from('one')]), w1);
      await expect(pipeline(Readable.from([Buffer.from('two')]), w2)).rejects.toBeInstanceOf(ObjectExistsError);
      expect((await readAll(await place.a.open('race'))).toString()).toBe('one');
      expect((await readAll(await place.a.open('k'))).toString()).toBe('first');
      expect((await place.a.list('')).entries.map((e) => e.key)).toEqual(['k', 'race']);
    });

    it('a write that is destroyed, fails mid-stream, or misses its size or sha256 leaves nothing under the key; a later put succeeds', async () => {
      const aborted = await place.a.putIfAbsent('f/a.bin');
      const abortError = new Promise((r) => aborted.once('error', r));
      await new Promise<void>((resolve, reject) => aborted.write(Buffer.alloc(70_000, 1), (err) => (err ? reject(err) : resolve())));
      aborted.destroy(new Error('client went away'));
      expect(await abortError).toMatchObject({ message: 'client went away' });
      await new Promise((r) => (aborted.closed ? r(undefined) : aborted.once('close', r)));

      const failing = new Readable({
        read() {
          this.push(Buffer.alloc(10_000, 2));
          this.destroy(new Error('source broke'));
        },
      });
      await expect(pipeline(failing, await place.a.putIfAbsent('f/b.bin'))).rejects.toThrow(/source broke/);
      await expect(put(place.a, 'f/c.bin', 'short', { size: 6 })).rejects.toThrow(/5 bytes arrived, 6/);
      await expect(put(place.a, 'f/d.bin', 'bytes', { sha256: sha(Buffer.from('other')) })).rejects.toThrow(/sha256/);

      for (const k of ['f/a.bin', 'f/b.bin', 'f/c.bin', 'f/d.bin']) {
        expect(await place.a.stat(k), k).toBeUndefined();
        await put(place.a, k, `now ${k}`);
        expect((await readAll(await place.a.open(k))).toString()).toBe(`now ${k}`);
      }
      expect((await place.a.list('f/')).entries.map((e) => e.key)).toEqual(['f/a.bin', 'f/b.bin', 'f/c.bin', 'f/d.bin']);
    });

    it('a write is visible only once it finished', async () => {
      const w: Writable = await place.a.putIfAbsent('slow.bin');
      await new Promise<void>((resolve, reject) => w.write(Buffer.from('half'), (err) => (err ? reject(err) : resolve())));
      expect(await place.a.stat('slow.bin')).toBeUndefined();
      expect((await place.a.list('')).entries).toEqual([]);
      await new Promise<void>((resolve, reject) => w.end(Buffer.from(' and the rest'), () => resolve()).once('error', reject));
      expect(await place.a.stat('slow.bin')).toMatchObject({ size: 17 });
    });

    it('records the storage class an object was written with, in stat and in list', async () => {
      for (const c of STORAGE_CLASSES) await put(place.a, `cls/${c}`, c, { storageClass: c });
      await put(place.a, 'cls/none', 'none');
      for (const c of STORAGE_CLASSES) {
        const archived = impl.archivesColdClasses && (c === 'ARCHIVE' || c === 'DEEP_ARCHIVE');
        expect(await place.a.stat(`cls/${c}`)).toMatchObject({ storageClass: c, archived });
      }
      const listed = Object.fromEntries((await place.a.list('cls/')).entries.map((e) => [e.key, e.storageClass]));
      // Written without a class: the store's default, or none recorded.
      expect([undefined, 'STANDARD']).toContain(listed['cls/none']);
      expect({ ...listed, 'cls/none': 'default' }).toEqual({
        'cls/ARCHIVE': 'ARCHIVE',
        'cls/DEEP_ARCHIVE': 'DEEP_ARCHIVE',
        'cls/STANDARD': 'STANDARD',
        'cls/STANDARD_IA': 'STANDARD_IA',
        'cls/none': 'default',
      });
    });

    it('thawStatus of a normal object is available, and thaw of one is a no-op; a missing key is refused', async () => {
      await put(place.a, 'warm.bin', 'x', { storageClass: 'STANDARD' });
      expect(await place.a.thawStatus('warm.bin')).toMatchObject({ state: 'available' });
      expect(await place.a.thaw('warm.bin', { tier: 'Standard', days: 1 })).toMatchObject({ state: 'available' });
      await expect(place.a.thawStatus('cold/none.bin')).rejects.toThrow();
    });

    it('names its objects by URI: scheme, its region, the key', async () => {
      expect(parseObjectUri(place.a.uri('db/x.sql'))).toMatchObject({ region: place.a.region, key: 'db/x.sql' });
      expect(place.a.uri('db/x.sql')).not.toBe(place.b.uri('db/x.sql'));
    });

    it('copy, where a store has it: the bytes and class under the new key, never over an existing one', async (ctx) => {
      if (!place.a.copy) return ctx.skip();
      const body = randomBytes(50_000);
      await put(place.a, 'src/x.bin', body, { storageClass: 'STANDARD_IA', sha256: sha(body) });
      expect(await place.a.copy('src/x.bin', place.b, 'dst/x.bin')).toBe(true);
      expect(await readAll(await place.b.open('dst/x.bin'))).toEqual(body);
      expect(await place.b.stat('dst/x.bin')).toMatchObject({ size: body.length, storageClass: 'STANDARD_IA' });
      await put(place.b, 'dst/taken.bin', 'mine');
      await expect(place.a.copy('src/x.bin', place.b, 'dst/taken.bin')).rejects.toBeInstanceOf(ObjectExistsError);
      expect((await readAll(await place.b.open('dst/taken.bin'))).toString()).toBe('mine');
    });

    it('retention: a store with object lock sets it, reads it back, and the object is then not replaced; one without has no retention to offer', async () => {
      if (!impl.objectLock) {
        // Never a silent skip: a store without object lock must not pretend to have it.
        expect([place.a.retention, place.a.setRetention]).toEqual([undefined, undefined]);
        return;
      }
      await put(place.a, 'locked.bin', 'x');
      const until = new Date(Date.now() + 86_400_000);
      await place.a.setRetention!('locked.bin', { mode: 'GOVERNANCE', until });
      expect(await place.a.retention!('locked.bin')).toMatchObject({ mode: 'GOVERNANCE', until });
      await expect(place.a.putIfAbsent('locked.bin')).rejects.toBeInstanceOf(ObjectExistsError);
    });
  });
}
