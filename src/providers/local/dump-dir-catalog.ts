import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Resource } from '../../config/index.js';
import { MANIFEST_SUFFIX } from '../../config/schemas/manifest.js';
import { LifeboatError } from '../../domain/errors.js';
import { nameTimeParser } from '../../domain/name-time.js';
import type { BackupCatalog, BackupRef } from '../types.js';
import { DEFAULT_PATTERNS, globToRegExp } from './glob.js';
import { readManifest, type ManifestRead } from './manifest-reader.js';

/**
 * Backups of dump-dir resources: files in a folder of a local region. Listing costs a
 * readdir and a stat per file; manifests are re-read only when their size or mtime moves.
 */
export function createDumpDirCatalog(regionRoots: ReadonlyMap<string, string>): BackupCatalog {
  const manifestCache = new Map<string, { key: string; read: ManifestRead }>();
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

  const manifestFor = async (file: string): Promise<{ read?: ManifestRead; key: string }> => {
    let st;
    try {
      st = await stat(file);
    } catch {
      return { key: '-' };
    }
    const key = `${st.size}:${st.mtimeMs}`;
    const hit = manifestCache.get(file);
    if (hit?.key === key) return hit;
    const entry = { key, read: await readManifest(file) };
    manifestCache.set(file, entry);
    return entry;
  };

  return {
    async list(resource) {
      const root = regionRoots.get(resource.region);
      if (!root) throw new LifeboatError('CONFIG_INVALID', `resource ${resource.id}: region ${resource.region} is not a local region`);
      const dir = path.resolve(root, resource.path);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return [];
        throw new LifeboatError('REGION_UNREACHABLE', `cannot list ${dir}: ${(err as Error).message}`, { cause: err });
      }
      const { patterns, nameTime } = matcherFor(resource);
      const present = new Set(names);
      const candidates = names.filter((n) => !n.endsWith(MANIFEST_SUFFIX) && patterns.some((p) => p.test(n)));
      const refs = await Promise.all(
        candidates.map(async (name): Promise<BackupRef | undefined> => {
          const location = path.join(dir, name);
          let st;
          try {
            st = await stat(location);
          } catch {
            return undefined; // removed between readdir and stat: not a backup any more
          }
          if (!st.isFile()) return undefined;
          const manifestPath = location + MANIFEST_SUFFIX;
          const m = present.has(name + MANIFEST_SUFFIX) ? await manifestFor(manifestPath) : { key: '-' };
          const manifest = m.read?.manifest;
          const fromName = nameTime?.(name);
          const [time, timeSource] = manifest?.consistentPoint
            ? [new Date(manifest.consistentPoint), 'manifest' as const]
            : fromName
              ? [fromName, 'name' as const]
              : [st.mtime, 'mtime' as const];
          return {
            resourceId: resource.id,
            region: resource.region,
            location,
            name,
            size: st.size,
            modifiedAt: st.mtime,
            time,
            timeSource,
            manifest,
            manifestError: m.read?.error,
            fingerprint: `${st.size}:${st.mtimeMs}:${m.key}`,
          };
        }),
      );
      return refs
        .filter((r): r is BackupRef => r !== undefined)
        .sort((a, b) => b.time.getTime() - a.time.getTime() || (a.name < b.name ? 1 : -1));
    },
  };
}
