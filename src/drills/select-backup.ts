import type { Drill, Resource } from '../config/index.js';
import { LifeboatError } from '../domain/index.js';
import { CLOCK_SKEW_TOLERANCE_MS } from '../freshness/index.js';
import type { BackupCatalog, BackupInspector, BackupRef } from '../providers/index.js';

export interface Selected {
  backup: BackupRef;
  /** Newer backups passed over because they were unusable, with why. */
  skipped: { name: string; reason: string }[];
}

/**
 * Picks the backup a drill restores and proves it usable first. `random-within` picks
 * uniformly among usable backups in the window, as restore-testing services do, so over
 * time every backup gets a chance to be the one that fails.
 */
export async function selectBackup(drill: Drill, resource: Resource, deps: { catalog: BackupCatalog; inspector: BackupInspector; now: Date; random: () => number; signal?: AbortSignal }): Promise<Selected> {
  const sel = drill.backup;
  // latest-in-region reads the cold copies in that region (the drill simulates losing the primary).
  const region = typeof sel === 'object' && 'latest-in-region' in sel ? sel['latest-in-region'] : resource.region;
  let candidates = await deps.catalog.list(resource, region);
  if (typeof sel === 'object' && 'at' in sel) {
    const at = new Date(sel.at).getTime();
    candidates = candidates.filter((b) => b.time.getTime() <= at);
  }
  if (typeof sel === 'object' && 'random-within' in sel) {
    const since = deps.now.getTime() - sel['random-within'];
    candidates = candidates.filter((b) => b.time.getTime() >= since);
  }
  const skipped: Selected['skipped'] = [];
  const usable: BackupRef[] = [];
  const wantAll = typeof sel === 'object' && 'random-within' in sel;
  for (const b of candidates) {
    const v = await deps.inspector.inspect(b, deps.signal);
    // A backup dated ahead of now is evidence of a wrong clock or a forged name: never the one to restore.
    if (v.usable && b.time.getTime() - deps.now.getTime() > CLOCK_SKEW_TOLERANCE_MS) {
      skipped.push({ name: b.name, reason: `backup time ${b.time.toISOString()} is in the future` });
      continue;
    }
    if (v.usable) {
      usable.push(b);
      if (!wantAll) break;
    } else skipped.push({ name: b.name, reason: v.reason ?? 'unusable' });
  }
  if (!usable.length) {
    const why = skipped.length ? `; unusable: ${skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}` : '';
    const where = region === resource.region ? '' : ` in region ${region}`;
    throw new LifeboatError('BACKUP_UNREADABLE', `no usable backup of ${resource.id}${where} matches ${JSON.stringify(sel)}${why}`, { retryable: false });
  }
  const backup = wantAll ? usable[Math.floor(deps.random() * usable.length)]! : usable[0]!;
  return { backup, skipped };
}
