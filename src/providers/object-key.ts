import { LifeboatError } from '../domain/index.js';

/**
 * The one set of rules for object keys, whatever the store: '/'-separated segments, none
 * empty, none '.' or '..', no backslash and no control character (NUL included), never
 * absolute, at most 850 UTF-8 bytes (COS's limit). A key that passes names the same object
 * in a folder and in a bucket, so a copy keeps its name between the two.
 */
export const MAX_KEY_BYTES = 850;

// eslint-disable-next-line no-control-regex -- finding control characters in a key is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

function refuse(what: string, key: string, why: string): never {
  throw new LifeboatError('BACKUP_UNREADABLE', `${what} ${JSON.stringify(key)} ${why}`, { retryable: false });
}

function checkSegments(what: string, key: string, segments: string[]): void {
  if (CONTROL.test(key)) refuse(what, key, 'holds a control character');
  if (key.includes('\\')) refuse(what, key, 'holds a backslash: keys are separated by / only');
  if (key.startsWith('/')) refuse(what, key, 'is absolute');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) refuse(what, key, `is longer than ${MAX_KEY_BYTES} bytes`);
  for (const s of segments) {
    if (s === '') refuse(what, key, 'has an empty segment');
    if (s === '.' || s === '..') refuse(what, key, `has a ${s} segment`);
  }
}

/** The key itself, or a refusal saying what is wrong with it. */
export function checkKey(key: string): string {
  if (typeof key !== 'string' || key === '') refuse('key', String(key), 'is empty');
  checkSegments('key', key, key.split('/'));
  return key;
}

/**
 * A listing prefix: '' (everything), a folder ('db/'), or any start of a key ('db/a'). A
 * prefix is matched as a string, as COS does: 'db/a' lists 'db/a.sql' and 'db/ab/x'.
 */
export function checkPrefix(prefix: string): string {
  if (prefix === '') return prefix;
  const segments = prefix.split('/');
  // A trailing '/' closes a folder; only the last, unfinished segment may be empty.
  if (prefix.endsWith('/')) segments.pop();
  checkSegments('prefix', prefix, segments);
  return prefix;
}

/** The name of an object anywhere: `<scheme>://<region>/<key>` (not percent-encoded: the key is all after the region's '/'). */
export function objectUri(scheme: string, region: string, key: string): string {
  return `${scheme}://${region}/${key}`;
}

/** The parts of an object URI, or a refusal when it is not one (a path from before keys, say). */
export function parseObjectUri(uri: string): { scheme: string; region: string; key: string } {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]+)\/(.+)$/s.exec(uri);
  if (!m) throw new LifeboatError('BACKUP_UNREADABLE', `${JSON.stringify(uri)} is not an object URI (<scheme>://<region>/<key>)`, { retryable: false });
  return { scheme: m[1]!, region: m[2]!, key: m[3]! };
}
