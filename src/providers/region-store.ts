import type { Readable, Writable } from 'node:stream';
import { LifeboatError } from '../domain/index.js';

export type StorageClass = 'STANDARD' | 'STANDARD_IA' | 'ARCHIVE' | 'DEEP_ARCHIVE';
export const STORAGE_CLASSES: readonly StorageClass[] = ['STANDARD', 'STANDARD_IA', 'ARCHIVE', 'DEEP_ARCHIVE'];

export interface ObjectInfo {
  key: string;
  size: number;
  mtimeMs: number;
  /** The class the object was written with, when the store records one (COS: x-cos-storage-class). */
  storageClass?: StorageClass;
  /** The sha256 stored with the object when it was written (COS: x-cos-meta-sha256); never computed by stat. */
  sha256?: string;
  /** In an archive tier: open fails until a thaw is done (COS: ARCHIVE / DEEP_ARCHIVE without a restored copy). */
  archived: boolean;
  /** A thaw was asked for and is still running (COS: x-cos-restore: ongoing-request="true"). */
  restoring: boolean;
  /** Set when the name holds something that is not an object (a link, a folder): never read, never replaced. */
  notFile?: string;
  /** Not yet sealed: a publish was interrupted before the object was made read-only (local), or locked (COS). */
  writable?: boolean;
}

export interface ListPage {
  /** In key order (UTF-8 bytes, as COS lists), each key once. */
  entries: ObjectInfo[];
  /** Opaque: pass as `cursor` for the page after this one. Absent on the last page. */
  next?: string;
}

export interface PutOptions {
  /** When given, the write fails (and publishes nothing) unless exactly this many bytes arrive. */
  size?: number;
  storageClass?: StorageClass;
  /** When given, the write fails (and publishes nothing) unless the bytes hash to it; stored with the object. */
  sha256?: string;
  mtime?: Date;
}

/** COS restore tiers: minutes, hours, or the cheap slow one. */
export type ThawTier = 'Expedited' | 'Standard' | 'Bulk';

export interface ThawStatus {
  /** available: open works now; archived: needs a thaw; restoring: a thaw is running. */
  state: 'available' | 'archived' | 'restoring';
  /** When a thawed copy of an archived object goes away again. */
  expiresAt?: Date;
}

/** Object lock (write-once-read-many) on one object: nobody deletes or replaces it before `until`. */
export interface Retention {
  mode: 'GOVERNANCE' | 'COMPLIANCE';
  until: Date;
}

/** A partial found beside (or instead of) its final name: what an interrupted publish leaves. */
export interface Leftover {
  key: string;
  /** same: the final name is already the partial's object (killed between publish and cleanup); other: it holds another object; none: nothing yet (resumable). */
  final: 'same' | 'other' | 'none';
}

/**
 * A region's storage, addressed by key (see object-key.ts for what a key may be). The local
 * store is a folder that is never left and in which no link is followed; COS is a bucket.
 * Every implementation passes test/contract/region-store.test.ts.
 */
export interface RegionStore {
  readonly region: string;
  /** How an object of this store is named anywhere: `local://<region>/<key>`, `cos://<region>/<key>`. */
  uri(key: string): string;
  /** Keys starting with `prefix` (a string prefix, folders included), a page at a time. */
  list(prefix: string, opts?: { cursor?: string; limit?: number }): Promise<ListPage>;
  /** undefined when nothing has the key. */
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** The bytes of key, `end` inclusive. Refused for an object that is archived and not thawed. */
  open(key: string, range?: { start?: number; end?: number }): Promise<Readable>;
  /**
   * A new object under key. The returned stream publishes only when it finishes cleanly
   * (all bytes, the size and sha256 asked for): a destroyed or failed write leaves nothing
   * under key. Refused with ObjectExistsError when key exists, at open or at publish.
   */
  putIfAbsent(key: string, opts?: PutOptions): Promise<Writable>;
  /**
   * A copy of key into `to` as `toKey` without the bytes passing through lifeboat, never
   * replacing what is there (ObjectExistsError). Absent, or false, when these two stores
   * cannot do it server-side: the caller streams instead.
   */
  copy?(key: string, to: RegionStore, toKey: string): Promise<boolean>;
  /** Asks for an archived object to be readable for `days` (COS: POST Object restore). A no-op when it is available. */
  thaw(key: string, opts: { tier: ThawTier; days: number }): Promise<ThawStatus>;
  thawStatus(key: string): Promise<ThawStatus>;
  /** Object lock where the store has it (COS with object lock enabled on the bucket). */
  retention?(key: string): Promise<Retention | undefined>;
  setRetention?(key: string, retention: Retention): Promise<void>;

  // Resumable, verify-before-publish uploads: what the copy code needs beyond putIfAbsent.
  // COS maps a partial to a staging object beside the key (uploaded by multipart, resumed
  // from its completed parts), and commit to a server-side copy onto the key guarded
  // against overwriting (x-cos-forbid-overwrite), with the class, then the staging deleted.

  /** Bytes already written by an interrupted copy of key (0 when none). */
  partialSize(key: string): Promise<number>;
  readPartial(key: string): Promise<Readable>;
  /** Appends to the partial of key from `offset` (dropping anything past it); from 0, a new partial. */
  openPartial(key: string, offset: number): Promise<Writable>;
  /** Makes the partial durable before it is verified (COS: the upload's parts are durable once acknowledged). */
  syncPartial(key: string): Promise<void>;
  discardPartial(key: string): Promise<void>;
  /** Publishes the verified partial under key (read-only first), never replacing an object already there. */
  commit(key: string, opts: { mtime: Date; storageClass: StorageClass }): Promise<'committed' | 'exists'>;
  /**
   * Copies key from another store into this store's partial without the bytes passing
   * through lifeboat (a reflink or kernel copy between folders; COS: PUT Object Copy onto
   * the staging object). False when these two stores cannot do that.
   */
  copyIntoPartial(from: RegionStore, key: string): Promise<boolean>;
  /** Partials left under prefix by interrupted copies (COS: staging objects, and ListMultipartUploads). */
  leftovers(prefix: string): Promise<Leftover[]>;
  /** Finishes a publish: the object made read-only (COS: its retention set, if any), a partial that is the same object removed. */
  seal(key: string): Promise<void>;
}

/** putIfAbsent, copy or commit found the key taken: nothing was replaced. */
export class ObjectExistsError extends LifeboatError {
  constructor(
    readonly region: string,
    readonly key: string,
  ) {
    super('BACKUP_UNREADABLE', `${key} already exists in region ${region}: an object is never replaced`, { retryable: false });
  }
}

/** Every object under prefix, page after page. */
export async function* listAll(store: RegionStore, prefix: string, limit = 1000): AsyncGenerator<ObjectInfo> {
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, { cursor, limit });
    yield* page.entries;
    cursor = page.next;
  } while (cursor !== undefined);
}
