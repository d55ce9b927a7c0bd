import { loadConfig } from '../config/index.js';
import { LifeboatError } from '../domain/index.js';
import { canaryJob } from '../jobs/index.js';
import { canarySetupSql, DEFAULT_CANARY_TABLE } from '../providers/index.js';
import { EXIT, type CliContext } from './context.js';
import { jsonText } from './json-error.js';

/** lifeboat canary [-r id…]: one heartbeat into each production canary table; exit 1 if any failed. */
export async function canaryCommand(ctx: CliContext, opts: { resource?: string[]; json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  for (const id of opts.resource ?? []) {
    const r = config.resources.get(id);
    if (!r) throw new LifeboatError('USAGE', `unknown resource ${id}`);
    if (!r.source) throw new LifeboatError('USAGE', `resource ${id} has no source database to write a canary to`);
  }
  const rt = await ctx.openRuntime(config);
  try {
    const outcome = await canaryJob({ runtime: rt, signal: ctx.signal }, { job: 'canary', name: 'cli', cron: '* * * * *', enabled: true, resources: opts.resource?.length ? opts.resource : undefined });
    ctx.out(opts.json ? jsonText(outcome) : outcome.summary);
    return outcome.ok ? EXIT.ok : EXIT.targetFailed;
  } finally {
    await rt.close();
  }
}

/** lifeboat canary setup RESOURCE: the SQL a DBA runs once on production (table and insert-only user). */
export async function canarySetupCommand(ctx: CliContext, resourceId: string, opts: { json?: boolean } = {}): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const src = config.resources.get(resourceId)?.source;
  if (!src) throw new LifeboatError('USAGE', `resource ${resourceId} has no source database`);
  const sql = canarySetupSql(src.engine, src.engine === 'pglite' ? '' : src.database, src.canaryTable ?? DEFAULT_CANARY_TABLE);
  ctx.out(opts.json ? jsonText({ resource: resourceId, engine: src.engine, sql }) : sql);
  return EXIT.ok;
}
