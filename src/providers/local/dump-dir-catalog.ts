import path from 'node:path';
import { type Resource, MANIFEST_SUFFIX } from '../../config/index.js';
import { LifeboatError, nameTimeParser } from '../../domain/index.js';
import { readdirFast as readdir, statIfExists } from '../../fsutil/index.js';
import type { BackupCatalog, BackupRef } from '../types.js';
import { DEFAULT_PATTERNS, globToRegExp } from './glob.js';
import { readManifest, type ManifestRead } from './manifest-reader.js';
import { createDirScanner, type ScanResult } from './dir-scanner.js';

interface FileStat {
  size: number;
  mtimeMs: number;
  isFile: boolean;
}

interface ManifestEntry {
  key: string;
  read: ManifestRead;
}

/**
 * Backups of dump-dir resources: files in a folder of a local region. Listing costs a
 * readdir and a stat per file; manifests are re-read only when their size or mtime moves.
 */
export function createDumpDirCatalog(regionRoots: ReadonlyMap<string, string>): BackupCatalog {
  const manifestCache = new Map<string, ManifestEntry>();
  const refCache = new Map<string, { size: number; mtimeMs: number; manifestEntry?: ManifestEntry; ref: BackupRef }>();
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
    const stale = files.filter(({ path: p, st }) => manifestCache.get(p)?.key !== `${st.size}:${st.mtimeMs}`);
    await Promise.all(
      stale.map(async ({ path: p, st }) => {
        manifestCache.set(p, { key: `${st.size}:${st.mtimeMs}`, read: await readManifest(p) });
      }),
    );
  };

  const dirOf = (resource: Resource, region: string) => {
    const root = regionRoots.get(region);
    if (!root) throw new LifeboatError('CONFIG_INVALID', `resource ${resource.id}: region ${region} is not a local region`);
    return path.resolve(root, resource.path);
  };
  let scanner: ReturnType<typeof createDirScanner> | undefined;
  const prefetched = new Map<string, ScanResult>();
  let prefetchedAt = 0;
  // A prefetch serves the sweep that asked for it, not a listing minutes later.
  const PREFETCH_TTL_MS = 60_000;

  /** The names in a folder and the stats lifeboat needs: from a sweep's prefetch when there is one, else read now. */
  const readDir = async (dir: string, resource: Resource): Promise<{ names: string[]; statOf: Map<string, FileStat | undefined> } | undefined> => {
    const scanned = Date.now() - prefetchedAt < PREFETCH_TTL_MS ? prefetched.get(dir) : undefined;
    prefetched.delete(dir);
    if (scanned) {
      if ('error' in scanned) {
        if (scanned.error === 'ENOENT') return undefined;
        throw new LifeboatError('REGION_UNREACHABLE', `cannot list ${dir}: ${scanned.error}`);
      }
      const statOf = new Map<string, FileStat | undefined>();
      scanned.names.forEach((n, i) => {
        const st = scanned.stats[i];
        statOf.set(n, st ? { size: st[0], mtimeMs: st[1], isFile: st[2] } : undefined);
      });
      return { names: scanned.names, statOf };
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
    const stats = await Promise.all(toStat.map((n) => statIfExists(path.join(dir, n))));
    return { names, statOf: new Map(toStat.map((n, i) => [n, stats[i] && { size: stats[i]!.size, mtimeMs: stats[i]!.mtimeMs, isFile: stats[i]!.isFile() }])) };
  };

  return {
    async prefetch(resources, region) {
      if (Date.now() - prefetchedAt >= PREFETCH_TTL_MS) prefetched.clear();
      prefetchedAt = Date.now();
      scanner ??= createDirScanner();
      const dirs = [...new Set(resources.map((r) => dirOf(r, region ?? r.region)))];
      for (let i = 0; i < dirs.length; i += 2000) {
        const chunk = dirs.slice(i, i + 2000);
        const results = await scanner.scan(chunk);
        chunk.forEach((d, k) => prefetched.set(d, results[k]!));
      }
    },
    async list(resource, region = resource.region) {
      const dir = dirOf(resource, region);
      const listing = await readDir(dir, resource);
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
        if (!st?.isFile) continue;
        const location = path.join(dir, name);
        const m = statOf.get(name + MANIFEST_SUFFIX) ? manifestCache.get(location + MANIFEST_SUFFIX) : undefined;
        // Unchanged since the last listing: hand back the same object, so a repeated sweep allocates next to nothing.
        const prev = refCache.get(location);
        if (prev && prev.size === st.size && prev.mtimeMs === st.mtimeMs && prev.manifestEntry === m && prev.ref.resourceId === resource.id && prev.ref.region === region) {
          refs.push(prev.ref);
          continue;
        }
        const manifest = m?.read.manifest;
        const fromName = nameTime?.(name);
        const [time, timeSource] = manifest?.consistentPoint
          ? [new Date(manifest.consistentPoint), 'manifest' as const]
          : fromName
            ? [fromName, 'name' as const]
            : [new Date(st.mtimeMs), 'mtime' as const];
        const ref: BackupRef = {
          resourceId: resource.id,
          region,
          location,
          name,
          size: st.size,
          modifiedAt: new Date(st.mtimeMs),
          time,
          timeSource,
          manifest,
          manifestError: m?.read.error,
          fingerprint: `${st.size}:${st.mtimeMs}:${m?.key ?? '-'}`,
        };
        refCache.set(location, { size: st.size, mtimeMs: st.mtimeMs, manifestEntry: m, ref });
        refs.push(ref);
      }
      return refs.sort((a, b) => b.time.getTime() - a.time.getTime() || (a.name < b.name ? 1 : -1));
    },
  };
}
