import { z } from 'zod';
import { loadConfig, unresolvedSecrets } from '../../config/index.js';
import { EXIT, type CliContext } from '../context.js';
import { defineCommand, JSON_OPTION } from './define.js';
import { flag } from './options.js';

/** lifeboat validate: the whole tree or a ConfigError (thrown, printed by the root with exit 2). */
async function validateCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  // Missing secrets are not config errors (this machine may not hold production's), but worth a warning.
  const missingSecrets = await unresolvedSecrets(config.estate, ctx.env, config.baseDir);
  const summary = {
    valid: true,
    missingSecrets,
    estate: config.estateFile,
    regions: Object.keys(config.estate.regions).length,
    resources: config.resources.size,
    drills: config.drills.size,
    schedules: config.schedules.size,
  };
  if (opts.json) ctx.out(JSON.stringify(summary, null, 2));
  else {
    ctx.out(`valid: ${summary.regions} regions, ${summary.resources} resources, ${summary.drills} drills, ${summary.schedules} schedules`);
    for (const m of missingSecrets) ctx.out(`warning: ${m}`);
  }
  return EXIT.ok;
}

export const validate = defineCommand({
  path: ['validate'],
  description: 'check lifeboat.yaml, drills/ and schedules/; exit 0 valid, 2 invalid',
  options: [JSON_OPTION()],
  schema: z.object({ json: flag }),
  run: (ctx, o) => validateCommand(ctx, o),
});
