/** How each demo resource's imaginary backup job behaves. */
export interface DemoProducer {
  resource: string;
  engine: 'mysql' | 'postgres';
  everyMs: number;
  /** How many of the newest slots to fill (older files are never removed: lifeboat deletes no backup). */
  keep: number;
  /** The job stopped this long ago: the demo's stale resource. */
  stoppedAgoMs?: number;
  /** The newest dump was cut off mid-write: the demo's failing resource. */
  newestTruncated?: boolean;
  /** Write a manifest next to each dump. */
  manifest: boolean;
  /** Backups are real exports of the demo's production PGlite database (with its canary), not generated files. */
  fromProduction?: boolean;
  /** File name prefix; the time follows as YYYYMMDDTHHMMSSZ. */
  prefix: string;
  scale?: number;
}

const H = 3_600_000;

export const DEMO_PRODUCERS: readonly DemoProducer[] = [
  { resource: 'shop-mysql', engine: 'mysql', everyMs: 24 * H, keep: 3, manifest: true, prefix: 'shop' },
  { resource: 'shop-postgres', engine: 'postgres', everyMs: 6 * H, keep: 4, manifest: true, prefix: 'shop', fromProduction: true },
  { resource: 'crm-mysql', engine: 'mysql', everyMs: 1 * H, keep: 3, manifest: false, prefix: 'crm', scale: 0.3 },
  { resource: 'orders-archive', engine: 'postgres', everyMs: 24 * 7 * H, keep: 2, manifest: true, prefix: 'orders', scale: 2 },
  { resource: 'billing-mysql', engine: 'mysql', everyMs: 24 * H, keep: 3, stoppedAgoMs: 3 * 24 * H, manifest: true, prefix: 'billing', scale: 0.5 },
  { resource: 'inventory-postgres', engine: 'postgres', everyMs: 12 * H, keep: 3, newestTruncated: true, manifest: false, prefix: 'inventory', scale: 0.5 },
];
