import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RegionStore, StorageClass } from '../providers/index.js';
import { sha256Of } from './hash-stream.js';

export type CopyOutcome = { kind: 'copied'; sha256: string; bytes: number; resumedFrom: number } | { kind: 'already'; sha256: string } | { kind: 'conflict'; reason: string } | { kind: 'source-bad'; reason: string };

export interface CopyRequest {
  key: string;
  size: number;
  mtime: Date;
  /** sha256 the source's manifest promises, when it has one. */
  expectedSha256?: string;
  storageClass: StorageClass;
  /** sha256 of the source as inspected under its current size and mtime: saves a second read of it. */
  knownSha256?: string;
  /** Never use a server-side copy: stream, so a killed copy resumes from its verified part. */
  streamOnly?: boolean;
}

/**
 * Copies one object between regions: into a partial, resumed from its verified prefix,
 * fsynced, re-read and checked against the source's sha256 (and its manifest's), then
 * published under its final name without ever replacing what is there. A destination
 * holding different content is a conflict, reported and left alone.
 */
export async function copyObject(src: RegionStore, dst: RegionStore, req: CopyRequest, onBytes?: (n: number) => void, signal?: AbortSignal): Promise<CopyOutcome> {
  const existing = await dst.stat(req.key);
  if (existing?.notFile) return { kind: 'conflict', reason: `destination name ${req.key} in ${dst.region} ${existing.notFile}: not a copy, left untouched` };
  if (existing) return compareExisting(src, dst, req, existing.size, existing.writable);

  let offset = await dst.partialSize(req.key);
  const hash = createHash('sha256');
  if (offset > req.size) offset = 0;
  if (offset === 0 && !req.streamOnly && (await dst.copyIntoPartial(src, req.key))) return verifyAndCommit(src, dst, req, onBytes);
  if (offset > 0) {
    // Resume only from a prefix proven equal to the source's.
    const srcPrefix = createHash('sha256');
    for await (const c of await src.open(req.key, { start: 0, end: offset - 1 })) {
      srcPrefix.update(c as Buffer);
      hash.update(c as Buffer);
    }
    const dstPrefix = await sha256Of(await dst.readPartial(req.key));
    if (dstPrefix.hex !== srcPrefix.digest('hex')) return copyObjectFromZero(src, dst, req, onBytes, signal);
  }
  return finish(src, dst, req, offset, hash, onBytes, signal);
}

async function copyObjectFromZero(src: RegionStore, dst: RegionStore, req: CopyRequest, onBytes?: (n: number) => void, signal?: AbortSignal): Promise<CopyOutcome> {
  await dst.discardPartial(req.key);
  return finish(src, dst, req, 0, createHash('sha256'), onBytes, signal);
}

async function finish(src: RegionStore, dst: RegionStore, req: CopyRequest, offset: number, hash: ReturnType<typeof createHash>, onBytes?: (n: number) => void, signal?: AbortSignal): Promise<CopyOutcome> {
  if (offset < req.size) {
    const tee = new Transform({
      transform(chunk: Buffer, _e, cb) {
        hash.update(chunk);
        onBytes?.(chunk.length);
        cb(null, chunk);
      },
    });
    await pipeline(await src.open(req.key, { start: offset }), tee, await dst.openPartial(req.key, offset), { signal });
  }
  const sha256 = hash.digest('hex');
  await dst.syncPartial(req.key);
  return publish(src, dst, req, sha256, await sha256Of(await dst.readPartial(req.key)), offset);
}

/** The source's hash against its manifest and against what was written; then the write-once commit. */
async function publish(src: RegionStore, dst: RegionStore, req: CopyRequest, sha256: string, written: { hex: string; bytes: number }, offset: number): Promise<CopyOutcome> {
  // What would be published is what was written: those bytes are checked against the manifest, whatever the source hash said.
  const bad = req.expectedSha256 && [written.hex, sha256].find((h) => h !== req.expectedSha256);
  if (bad) {
    await dst.discardPartial(req.key);
    return { kind: 'source-bad', reason: `${req.key}: sha256 ${bad.slice(0, 12)}… of the source bytes differs from its manifest's ${req.expectedSha256!.slice(0, 12)}…: not published` };
  }
  if (written.hex !== sha256 || written.bytes !== req.size) {
    await dst.discardPartial(req.key);
    throw new Error(`copy of ${req.key} to ${dst.region} did not verify (${written.bytes} bytes, sha256 ${written.hex.slice(0, 12)}…): discarded, will retry`);
  }
  const committed = await dst.commit(req.key, { mtime: req.mtime, storageClass: req.storageClass });
  if (committed === 'exists') {
    await dst.discardPartial(req.key);
    const now = (await dst.stat(req.key))!;
    if (now.notFile) return { kind: 'conflict', reason: `destination name ${req.key} in ${dst.region} ${now.notFile}: not a copy, left untouched` };
    return compareExisting(src, dst, req, now.size, now.writable);
  }
  return { kind: 'copied', sha256, bytes: req.size - offset, resumedFrom: offset };
}

/** After a copy the bytes did not pass through us: hash source and partial side by side, then publish. */
async function verifyAndCommit(src: RegionStore, dst: RegionStore, req: CopyRequest, onBytes?: (n: number) => void): Promise<CopyOutcome> {
  // With a manifest, the written bytes are held to it; else to the source as inspected (or read now).
  const given = req.expectedSha256 ?? req.knownSha256;
  const sourceHash = given ? Promise.resolve(given) : sha256Of(await src.open(req.key), undefined, onBytes).then((h) => h.hex);
  const [source, written] = await Promise.all([
    sourceHash,
    (async () => {
      await dst.syncPartial(req.key);
      return sha256Of(await dst.readPartial(req.key), undefined, given ? onBytes : undefined);
    })(),
  ]);
  return publish(src, dst, req, source, written, 0);
}

async function compareExisting(src: RegionStore, dst: RegionStore, req: CopyRequest, dstSize: number, writable?: boolean): Promise<CopyOutcome> {
  if (dstSize !== req.size) return { kind: 'conflict', reason: `destination holds ${dstSize} bytes under this name, the source ${req.size}` };
  const [a, b] = await Promise.all([req.expectedSha256 ? Promise.resolve({ hex: req.expectedSha256 }) : sha256Of(await src.open(req.key)), sha256Of(await dst.open(req.key))]);
  if (a.hex !== b.hex) return { kind: 'conflict', reason: `destination holds different content under this name (sha256 ${b.hex.slice(0, 12)}…, source ${a.hex.slice(0, 12)}…)` };
  // The same bytes, but left writable by an interrupted publish: finish it.
  if (writable) await dst.seal(req.key);
  return { kind: 'already', sha256: b.hex };
}
