import type { LoadedConfig } from '../src/config/index.js';
import { estateSchema } from '../src/config/schemas/estate.js';

/** A loaded config of N dump-dir resources in one region, without files: for benches that need only the estate's shape. */
export function benchEstate(dir: string, resources: number, extra: { alertRoutes?: Record<string, unknown>; alertRoute?: string } = {}): { config: LoadedConfig; ids: string[] } {
  const ids = Array.from({ length: resources }, (_, i) => `res-${i}`);
  const estate = estateSchema.parse({
    version: 1,
    regions: { r: { kind: 'local', path: 'r' } },
    ...(extra.alertRoutes ? { alertRoutes: extra.alertRoutes } : {}),
    resources: ids.map((id, i) => ({ id, kind: 'dump-dir', region: 'r', path: id, rpo: '1d', owner: `team-${i % 20}`, ...(extra.alertRoute ? { alertRoute: extra.alertRoute } : {}) })),
  });
  const config = {
    estate,
    drills: new Map(),
    resources: new Map(estate.resources.map((r) => [r.id, r])),
    schedules: new Map(),
    baseDir: dir,
    stateDir: dir,
    ledgerDir: dir,
    estateFile: `${dir}/lifeboat.yaml`,
    regionRoots: new Map(),
  } as unknown as LoadedConfig;
  return { config, ids };
}
