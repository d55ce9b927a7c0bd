import { DEFAULT_LIMITS, limitsFor, parseByteSize, type ConfigLimits } from '../config/index.js';
import { LifeboatError } from '../domain/index.js';

/** The config size limit a user set in LIFEBOAT_CONFIG_MAX_BYTES (4 MiB when unset). */
export function configLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): ConfigLimits {
  const raw = env.LIFEBOAT_CONFIG_MAX_BYTES;
  if (raw === undefined || raw.trim() === '') return DEFAULT_LIMITS;
  const bytes = parseByteSize(raw);
  if (bytes === undefined) throw new LifeboatError('USAGE', `LIFEBOAT_CONFIG_MAX_BYTES: expected a size such as 4194304, 512K or 16M, got ${JSON.stringify(raw.slice(0, 40))}`);
  return limitsFor(bytes);
}
