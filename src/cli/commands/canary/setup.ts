import { z } from 'zod';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';
import { loadConfig } from '../../../config/index.js';
import { LifeboatError } from '../../../domain/index.js';
import { canarySetupSql, DEFAULT_CANARY_TABLE } from '../../../providers/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { jsonText } from '../../json-error.js';

export const canarySetup = defineCommand({
  path: ['canary', 'setup'],
  description: 'print the SQL that creates the canary table and its insert-only user on production',
  arguments: [{ name: '<resource>' }],
  options: [JSON_OPTION()],
  schema: z.object({ resource: z.string(), json: flag }),
  run: (ctx, { resource, ...o }) => canarySetupCommand(ctx, resource, o),
});

/** lifeboat canary setup RESOURCE: the SQL a DBA runs once on production (table and insert-only user). */
async function canarySetupCommand(ctx: CliContext, resourceId: string, opts: { json?: boolean } = {}): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const src = config.resources.get(resourceId)?.source;
  if (!src) throw new LifeboatError('USAGE', `resource ${resourceId} has no source database`);
  const sql = canarySetupSql(src.engine, src.engine === 'pglite' ? '' : src.database, src.canaryTable ?? DEFAULT_CANARY_TABLE);
  ctx.out(opts.json ? jsonText({ resource: resourceId, engine: src.engine, sql }) : sql);
  return EXIT.ok;
}
