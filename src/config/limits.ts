/**
 * How much a config file may cost to read. A config tree is small and written by people;
 * these limits exist so that a hostile or broken file (a FIFO, /dev/zero, a 50 MB paste,
 * an alias bomb) is refused quickly instead of hanging or eating the host's memory.
 */
export interface ConfigLimits {
  /** Largest file read, in bytes; checked before reading and again while reading. */
  maxFileBytes: number;
  /**
   * Most YAML tokens in one file. The yaml parser needs hundreds of bytes of memory per
   * token, so bytes alone do not bound it (4 MiB of "1," is two million list items).
   */
  maxYamlTokens: number;
  /** Most alias expansions (the yaml package's maxAliasCount). */
  maxAliasCount: number;
}

export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Real estates run at 5-20 bytes per token; the parser needs 300 B-2 KB per token, so one token per 16 bytes of the byte limit bounds it to a few hundred MB. */
const BYTES_PER_TOKEN = 16;

/** Limits for a byte budget: the token budget follows the byte budget so one knob raises both. */
export function limitsFor(maxFileBytes: number): ConfigLimits {
  return { maxFileBytes, maxYamlTokens: Math.max(1024, Math.floor(maxFileBytes / BYTES_PER_TOKEN)), maxAliasCount: 100 };
}

export const DEFAULT_LIMITS: Readonly<ConfigLimits> = Object.freeze(limitsFor(DEFAULT_MAX_FILE_BYTES));

let processLimits: Readonly<ConfigLimits> = DEFAULT_LIMITS;

/**
 * Set once by the composition root (from LIFEBOAT_CONFIG_MAX_BYTES): every command loads the
 * config through loadConfig(path), so the limit is a process setting rather than a parameter
 * threaded through each of them. Tests pass limits to loadConfig directly instead.
 */
export function configureConfigLimits(limits: ConfigLimits): void {
  processLimits = Object.freeze({ ...limits });
}

export function currentConfigLimits(): Readonly<ConfigLimits> {
  return processLimits;
}

/** Reads a byte limit as written by a user: 4194304, 512k, 4M, 16MiB. Undefined when malformed. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d{1,15})\s*(?:([kKmMgG])(?:i?B)?|B)?\s*$/.exec(text);
  if (!m) return undefined;
  const scale = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  const bytes = Number(m[1]) * scale;
  return bytes >= 1 && Number.isSafeInteger(bytes) ? bytes : undefined;
}
