import fs from 'node:fs';
import path from 'node:path';
import { type Resource, MANIFEST_SUFFIX } from '../../config/index.js';
import { LifeboatError, messageOf, nameTimeParser, stopwatch } from '../../domain/index.js';
import { readdirFast as readdir } from '../../fsutil/index.js';
import { objectUri } from '../object-key.js';
import type { BackupCatalog, BackupRef } from '../types.js';
import { DEFAULT_PATTERNS, globToRegExp } from './glob.js';
import { readManifest, type ManifestRead } from './manifest-reader.js';
import { createDirScanner, type EntryKind, type ScanResult } from './dir-scanner.js';
import { checkFolders, inside, LINK_REASON, realRoot } from './safe-fs.js';

interface FileStat {
  size: number;
  mtimeMs: number;
  kind: EntryKind;
}

/** lstat as one promise per call (a link is described, never followed); undefined when the name is gone. */
function lstatIfExists(file: string): Promise<FileStat | undefined> {
  return new Promise((resolve) => fs.lstat(file, (err, st) => resolve(err ? undefined : { size: st.size, mtimeMs: st.mtimeMs, kind: st.isFile() ? 0 : st.isSymbolicLink() ? 1 : 2 })));
}

interface ManifestEntry {
  key: string;
  read: ManifestRead;
}

/**
 * Backups of dump-dir resources: files in a folder of a local region. Listing costs a
 * readdir and an lstat per file; manifests are re-read only when their size or mtime moves.
 * Nothing is followed: a folder on the way that is a link makes the listing fail, and a
 * link named like a backup is listed as an unusable backup with the reason.
 */
export function createDumpDirCatalog(regionRoots: ReadonlyMap<string, string>): BackupCatalog {
  const manifestCache = new Map<string, ManifestEntry>();
  const refCache = new Map<string, { size: number; mtimeMs: number; kind: EntryKind; manifestEntry?: ManifestEntry; ref: BackupRef }>();
  const matchers = new Map<Resource, { patterns: RegExp[]; nameTime?: (n: string) => Date | undefined }>();

  const matcherFor = (r: Resource) => {
    let m = matchers.get(r);
    if (!m) {
      m = {
        patterns: (r.patterns ?? DEFAULT_PATTERNS).map(globToRegExp),
        nameTime: r.nameTime ? nameTimeParser(r.nameTime, r.nameTimeZone) : undefined,
      };
      matchers.set(r, m);
    }
    return m;
  };

  /** Cached manifests by path, re-read only when the manifest's size or mtime moved. */
  const refreshManifests = async (files: { path: string; st: FileStat }[]) => {
    const stale = files.filter(({ path: p, st }) => manifestCache.get(p)?.key !== `${st.size}:${st.mtimeMs}:${st.kind}`);
    await Promise.all(
      stale.map(async ({ path: p, st }) => {
        const read: ManifestRead = st.kind === 0 ? await readManifest(p) : { error: `manifest ${path.basename(p)} ${st.kind === 1 ? 'is a symbolic link' : 'is not a plain file'}: not read` };
        manifestCache.set(p, { key: `${st.size}:${st.mtimeMs}:${st.kind}`, read });
      }),
    );
  };

  /** The region's root (its own links resolved once) and the resource's folder inside it. */
  const dirOf = async (resource: Resource, region: string) => {
    const configured = regionRoots.get(region);
    if (!configured) throw new LifeboatError('CONFIG_INVALID', `resource ${resource.id}: region ${region} is not a local region`);
    const root = await realRoot(configured);
    try {
      return { root, dir: inside(root, resource.path, { allowRoot: true }) };
    } catch (err) {
      throw new LifeboatError('CONFIG_INVALID', `resource ${resource.id}: path ${resource.path}: ${messageOf(err)}`);
    }
  };
  let scanner: ReturnType<typeof createDirScanner> | undefined;
  const prefetched = new Map<string, ScanResult>();
  let prefetchAge = stopwatch();
  // A prefetch serves the sweep that asked for it, not a listing minutes later.
  const PREFETCH_TTL_MS = 60_000;

  /** The names in a folder and the stats lifeboat needs: from a sweep's prefetch when there is one, else read now. */
  const readDir = async ({ root, dir }: { root: string; dir: string }, resource: Resource): Promise<{ names: string[]; statOf: Map<string, FileStat | undefined> } | undefined> => {
    const scanned = prefetchAge() < PREFETCH_TTL_MS ? prefetched.get(dir) : undefined;
    prefetched.delete(dir);
    if (scanned) {
      if ('error' in scanned) {
        if (scanned.error === 'ENOENT') return undefined;
        if (scanned.error.startsWith('LINK ')) throw new LifeboatError('REGION_UNREACHABLE', `cannot list ${dir}: ${scanned.error.slice(5)} is a symbolic link: lifeboat never follows links in a region`, { retryable: false });
        // The same words as a listing on this thread (checkFolders), so a sweep's size does not change the reason.
        if (scanned.error.startsWith('NOTDIR ')) throw new LifeboatError('REGION_UNREACHABLE', `cannot list ${dir}: ${scanned.error.slice(7)} is not a folder`, { retryable: false });
        throw new LifeboatError('REGION_UNREACHABLE', `cannot list ${dir}: ${scanned.error}`);
      }
      const statOf = new Map<string, FileStat | undefined>();
      scanned.names.forEach((n, i) => {
        const st = scanned.stats[i];
        statOf.set(n, st ? { size: st[0], mtimeMs: st[1], kind: st[2] } : undefined);
      });
      return { names: scanned.names, statOf };
    }
    try {
      if (!(await checkFolders(root, dir))) return undefined;
    } catch (err) {
      // A region root that is a file (ENOTDIR) is a region that cannot be read, not a missing backup.
      throw new LifeboatError('REGION_UNREACHABLE', `cannot list ${dir}: ${messageOf(err)}`, { cause: err, retryable: false });
    }
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new LifeboatError('REGION_UNREACHABLE', `cannot list ${dir}: ${(err as Error).message}`, { cause: err });
    }
    const { patterns } = matcherFor(resource);
    const present = new Set(names);
    const candidates = names.filter((n) => !n.endsWith(MANIFEST_SUFFIX) && patterns.some((p) => p.test(n)));
    // One batch of stats for the folder (candidates and their manifests); a file removed
    // since the readdir simply drops out.
    const toStat = [...candidates, ...candidates.filter((n) => present.has(n + MANIFEST_SUFFIX)).map((n) => n + MANIFEST_SUFFIX)];
    const stats = await Promise.all(toStat.map((n) => lstatIfExists(path.join(dir, n))));
    return { names, statOf: new Map(toStat.map((n, i) => [n, stats[i]])) };
  };

  return {
    async prefetch(resources, region) {
      if (prefetchAge() >= PREFETCH_TTL_MS) prefetched.clear();
      prefetchAge = stopwatch();
      scanner ??= createDirScanner();
      const byDir = new Map<string, string>();
      for (const r of resources) {
        const at = await dirOf(r, region ?? r.region).catch(() => undefined);
        if (at) byDir.set(at.dir, at.root);
      }
      const dirs = [...byDir.keys()];
      for (let i = 0; i < dirs.length; i += 2000) {
        const chunk = dirs.slice(i, i + 2000);
        const results = await scanner.scan(
          chunk,
          chunk.map((d) => byDir.get(d)!),
        );
        chunk.forEach((d, k) => prefetched.set(d, results[k]!));
      }
    },
    async list(resource, region = resource.region) {
      const at = await dirOf(resource, region);
      const { root, dir } = at;
      const listing = await readDir(at, resource);
      if (!listing) return [];
      const { names, statOf } = listing;
      const { patterns, nameTime } = matcherFor(resource);
      const present = new Set(names);
      const candidates = names.filter((n) => !n.endsWith(MANIFEST_SUFFIX) && patterns.some((p) => p.test(n)));
      const manifests = candidates.filter((n) => present.has(n + MANIFEST_SUFFIX)).map((n) => n + MANIFEST_SUFFIX);
      await refreshManifests(manifests.flatMap((n) => (statOf.get(n) ? [{ path: path.join(dir, n), st: statOf.get(n)! }] : [])));

      const refs: BackupRef[] = [];
      for (const name of candidates) {
        const st = statOf.get(name);
        // A folder named like a backup is not one; a link is listed, as unusable, so nobody mistakes it for a backup.
        if (!st || st.kind === 2) continue;
        const file = path.join(dir, name);
        const key = path.relative(root, file).split(path.sep).join('/');
        const m = st.kind === 0 && statOf.get(name + MANIFEST_SUFFIX) ? manifestCache.get(file + MANIFEST_SUFFIX) : undefined;
        // Unchanged since the last listing: hand back the same object, so a repeated sweep allocates next to nothing.
        const prev = refCache.get(file);
        if (prev && prev.size === st.size && prev.mtimeMs === st.mtimeMs && prev.kind === st.kind && prev.manifestEntry === m && prev.ref.resourceId === resource.id && prev.ref.region === region) {
          refs.push(prev.ref);
          continue;
        }
        const manifest = m?.read.manifest;
        const fromName = nameTime?.(name);
        const refused = st.kind === 1 ? LINK_REASON : undefined;
        const [time, timeSource] = manifest?.consistentPoint ? [new Date(manifest.consistentPoint), 'manifest' as const] : fromName ? [fromName, 'name' as const] : [new Date(st.mtimeMs), 'mtime' as const];
        const ref: BackupRef = {
          resourceId: resource.id,
          region,
          location: objectUri('local', region, key),
          name,
          size: st.size,
          modifiedAt: new Date(st.mtimeMs),
          time,
          timeSource,
          manifest,
          manifestError: m?.read.error,
          refused,
          fingerprint: `${st.size}:${st.mtimeMs}:${st.kind}:${m?.key ?? '-'}`,
        };
        refCache.set(file, { size: st.size, mtimeMs: st.mtimeMs, kind: st.kind, manifestEntry: m, ref });
        refs.push(ref);
      }
      return refs.sort((a, b) => b.time.getTime() - a.time.getTime() || (a.name < b.name ? 1 : -1));
    },
  };
}
