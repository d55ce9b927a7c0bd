import { formatDuration, loadConfig } from '../config/index.js';
import { LifeboatError } from '../domain/index.js';
import type { FreshnessResult, FreshnessStatus } from '../freshness/index.js';
import { checkAll } from '../jobs/index.js';
import { EXIT, type CliContext } from './context.js';
import { painter, renderTable } from './output.js';

const STATUS_STYLE = { fresh: 'green', stale: 'yellow', failing: 'red', missing: 'red', unknown: 'magenta' } as const;

/** lifeboat check: one freshness sweep, printed as a table or JSON; exit 1 when anything is not fresh. */
export async function checkCommand(ctx: CliContext, opts: { json?: boolean; resource?: string[] }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const unknown = (opts.resource ?? []).filter((id) => !config.resources.has(id));
  if (unknown.length) throw new LifeboatError('USAGE', `unknown resource ${unknown.join(', ')}: expected one of ${[...config.resources.keys()].join(', ')}`);
  const rt = await ctx.openRuntime(config);
  try {
    const { results, stats } = await checkAll(rt, { resources: opts.resource?.length ? opts.resource : undefined, signal: ctx.signal });
    if (opts.json) ctx.out(JSON.stringify({ checkedAt: ctx.clock.now().toISOString(), ...summaries(results), results, stats }, null, 2));
    else ctx.out(renderFreshness(results));
    return results.every((r) => r.status === 'fresh') ? EXIT.ok : EXIT.targetFailed;
  } finally {
    await rt.close();
  }
}

/** `summary` counts resources by status and `copySummary` copy destinations: a copy row is not a resource. */
export function summaries(results: readonly FreshnessResult[]): { summary: Record<FreshnessStatus, number>; copySummary: Record<FreshnessStatus, number> } {
  return { summary: countByStatus(results.filter((r) => r.kind !== 'copy')), copySummary: countByStatus(results.filter((r) => r.kind === 'copy')) };
}

function countByStatus(results: readonly FreshnessResult[]): Record<FreshnessStatus, number> {
  const counts: Record<FreshnessStatus, number> = { fresh: 0, stale: 0, failing: 0, missing: 0, unknown: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}

export function renderFreshness(results: readonly FreshnessResult[]): string {
  const paint = painter();
  const rows = results.map((r) => [
    r.kind === 'copy' ? `${r.resource} → copy` : r.resource,
    r.region,
    r.newestUsable ? `${r.newestUsable.name} (${r.newestUsable.timeSource})` : '-',
    r.newestUsable ? formatDuration(r.newestUsable.ageMs) : '-',
    formatDuration(r.rpoMs) + (r.graceMs ? `+${formatDuration(r.graceMs)}` : ''),
    paint(STATUS_STYLE[r.status], r.status.toUpperCase()),
    r.reason,
  ]);
  const table = renderTable(['RESOURCE', 'REGION', 'NEWEST USABLE BACKUP (time from)', 'AGE', 'TARGET', 'STATUS', 'WHY'], rows);
  const attention = results.filter((r) => r.status !== 'fresh').map((r) => paint(STATUS_STYLE[r.status], r.kind === 'copy' ? `! ${r.resource} copies in ${r.region} are ${r.status}: ${r.reason}` : `! ${r.resource} is ${r.status}: ${r.reason}`));
  // Resources and copy destinations are counted apart: "6 fresh" of 6 resources would read as all of them.
  const group = (rows: readonly FreshnessResult[], noun: string) => {
    const byStatus = (Object.entries(countByStatus(rows)) as [FreshnessStatus, number][]).filter(([, k]) => k > 0).map(([s, k]) => `${k} ${s}`);
    return `${rows.length} ${noun}${rows.length === 1 ? '' : 's'}: ${byStatus.join(', ') || 'none'}`;
  };
  const copies = results.filter((r) => r.kind === 'copy');
  const resources = results.filter((r) => r.kind !== 'copy');
  // `copy status` lists copies alone: no "0 resources" line before them.
  const summary = [...(resources.length || !copies.length ? [group(resources, 'resource')] : []), ...(copies.length ? [group(copies, 'copy destination')] : [])].join('; ');
  return [table, '', summary, ...attention].join('\n');
}
