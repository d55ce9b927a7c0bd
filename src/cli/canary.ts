import { loadConfig } from '../config/index.js';
import { LifeboatError } from '../domain/index.js';
import { canaryJob } from '../jobs/index.js';
import { canarySetupSql, DEFAULT_CANARY_TABLE } from '../providers/index.js';
import { EXIT, type CliContext } from './context.js';

/** lifeboat canary [-r id…]: one heartbeat into each production canary table; exit 1 if any failed. */
export async function canaryCommand(ctx: CliContext, opts: { resource?: string[] }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  for (const id of opts.resource ?? []) {
    const r = config.resources.get(id);
    if (!r) throw new LifeboatError('USAGE', `unknown resource ${id}`);
    if (!r.source) throw new LifeboatError('USAGE', `resource ${id} has no source database to write a canary to`);
  }
  const rt = await ctx.openRuntime(config);
  const outcome = await canaryJob({ runtime: rt, signal: ctx.signal }, { job: 'canary', name: 'cli', cron: '* * * * *', enabled: true, resources: opts.resource?.length ? opts.resource : undefined });
  ctx.out(outcome.summary);
  return outcome.ok ? EXIT.ok : EXIT.targetFailed;
}

/** lifeboat canary setup RESOURCE: the SQL a DBA runs once on production (table and insert-only user). */
export async function canarySetupCommand(ctx: CliContext, resourceId: string): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const src = config.resources.get(resourceId)?.source;
  if (!src) throw new LifeboatError('USAGE', `resource ${resourceId} has no source database`);
  ctx.out(canarySetupSql(src.engine, src.engine === 'pglite' ? '' : src.database, src.canaryTable ?? DEFAULT_CANARY_TABLE));
  return EXIT.ok;
}
