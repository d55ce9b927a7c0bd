import type { CopyPolicy, LoadedConfig, Resource } from '../config/index.js';

/** The resources a copy policy covers. */
export function resourcesOf(policy: CopyPolicy, config: LoadedConfig): Resource[] {
  const all = [...config.resources.values()];
  return policy.resources === '*' ? all : policy.resources.map((id) => config.resources.get(id)!).filter(Boolean);
}
