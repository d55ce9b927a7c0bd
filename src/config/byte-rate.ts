import { z } from 'zod';

const UNIT_BYTES = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 } as const;
const RATE_RE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)\/s$/;
export const BYTE_RATE_HINT = 'a read rate like 50MB/s, 512KiB/s or 1GB/s';
const MIN_RATE = 1024;
const MAX_RATE = 100e9;

/** Parses a read rate ("50MB/s", "1.5GiB/s") to bytes per second; undefined when malformed or out of bounds. */
export function parseByteRate(text: string): number | undefined {
  const m = RATE_RE.exec(text.trim());
  if (!m) return undefined;
  const rate = Math.floor(Number(m[1]) * UNIT_BYTES[m[2] as keyof typeof UNIT_BYTES]);
  return rate >= MIN_RATE && rate <= MAX_RATE ? rate : undefined;
}

/** A rate limit field: written as text in YAML, bytes per second once loaded. */
export const byteRateSchema = z
  .string({ error: `expected ${BYTE_RATE_HINT}` })
  .refine((t) => parseByteRate(t) !== undefined, { error: (iss) => `expected ${BYTE_RATE_HINT} (1KiB/s to 100GB/s), got ${JSON.stringify(iss.input)}` })
  .transform((t) => parseByteRate(t) as number)
  .meta({ description: `Rate: ${BYTE_RATE_HINT}` });
