import { formatDuration, type LoadedConfig } from '../config/index.js';
import { CLOCK_SKEW_TOLERANCE_MS, type FreshnessResult } from '../freshness/index.js';
import type { BackupCatalog } from '../providers/index.js';
import { copyId, copyKey, type CopyRegistry } from './copy-registry.js';
import { resourcesOf } from './resources-of.js';

/**
 * Copy lag as freshness: for each resource and destination of each policy, the newest
 * copy that lifeboat verified (and that is still the same file) against the policy's lag
 * target. A copy's age is its backup's own time as recorded when it was verified, never
 * the copy file's mtime. A newest copy found bad (conflict, failed re-verification) or a
 * link among the copies makes it failing.
 */
export async function copyStatus(config: LoadedConfig, catalog: BackupCatalog, registry: CopyRegistry, now: Date): Promise<FreshnessResult[]> {
  const out: FreshnessResult[] = [];
  for (const policy of config.estate.copies ?? []) {
    for (const resource of resourcesOf(policy, config)) {
      for (const to of policy.to) {
        if (to === resource.region) continue;
        const base = { resource: resource.id, kind: 'copy', region: to, rpoMs: policy.lag, graceMs: policy.grace ?? 0, checkedAt: now.toISOString(), policy: policy.name };
        const present = await catalog.list(resource, to).catch(() => []);
        const target = `target ${formatDuration(policy.lag)}${policy.grace ? ` + ${formatDuration(policy.grace)} grace` : ''}`;
        const recs = present.map((b) => ({ b, rec: registry[copyId(to, copyKey(resource.path, b.name))] }));
        const sameFile = (x: (typeof recs)[number]) => x.rec && !x.b.refused && x.rec.size === x.b.size && Math.floor(x.rec.mtimeMs) === x.b.modifiedAt.getTime();
        const timeOf = (x: (typeof recs)[number]) => new Date(x.rec!.backupTime).getTime();
        const verified = recs.filter((x) => sameFile(x) && x.rec!.ok).sort((x, y) => timeOf(y) - timeOf(x));
        const newest = recs[0];
        const newestVerified = verified[0];
        const summary = newestVerified && {
          name: newestVerified.b.name,
          region: to,
          time: newestVerified.rec!.backupTime,
          timeSource: newestVerified.rec!.backupTimeSource ?? newestVerified.b.timeSource,
          ageMs: now.getTime() - timeOf(newestVerified),
          size: newestVerified.b.size,
        };
        const link = recs.find((x) => x.b.refused);
        if (link) {
          out.push({ ...base, status: 'failing', reason: `copy ${link.b.name} in ${to}: ${link.b.refused}`, newestUsable: summary, backups: present.length });
        } else if (newest && newest.rec && !newest.rec.ok && sameFile(newest)) {
          out.push({ ...base, status: 'failing', reason: `copy ${newest.b.name} in ${to}: ${newest.rec.problem ?? 'failed verification'}`, newestUsable: summary, backups: present.length });
        } else if (summary && summary.ageMs < -CLOCK_SKEW_TOLERANCE_MS) {
          out.push({ ...base, status: 'failing', reason: `copy ${summary.name} in ${to}: backup time is in the future (${formatDuration(-summary.ageMs)} ahead)`, backups: present.length });
        } else if (!summary) {
          out.push({ ...base, status: 'missing', reason: present.length ? `${present.length} file(s) in ${to}, none verified by lifeboat copy` : `no copies in ${to}`, backups: present.length });
        } else if (summary.ageMs > policy.lag + (policy.grace ?? 0)) {
          out.push({ ...base, status: 'stale', reason: `newest verified copy in ${to} is ${formatDuration(summary.ageMs)} old, over ${target}`, newestUsable: summary, backups: present.length });
        } else {
          out.push({ ...base, status: 'fresh', reason: `copy in ${to} ${formatDuration(Math.max(0, summary.ageMs))} old, within ${target}`, newestUsable: summary, backups: present.length });
        }
      }
    }
  }
  return out;
}
