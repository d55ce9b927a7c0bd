import { z } from 'zod';
import { loadConfig } from '../../config/index.js';
import { LifeboatError } from '../../domain/index.js';
import { scrub as scrubAll } from '../../jobs/index.js';
import { EXIT, type CliContext } from '../context.js';
import { defineCommand } from './define.js';
import { byteRate, flag, ids } from './options.js';

/** lifeboat scrub [--rate 50MB/s] [-r id...] (rate in bytes per second): re-hash every backup and copy; exit 1 naming any that rotted. */
async function scrubCommand(ctx: CliContext, opts: { rate?: number; resource?: string[]; json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const rate = opts.rate;
  const unknown = (opts.resource ?? []).filter((id) => !config.resources.has(id));
  if (unknown.length) throw new LifeboatError('USAGE', `unknown resource ${unknown.join(', ')}: expected one of ${[...config.resources.keys()].join(', ')}`);
  const rt = await ctx.openRuntime(config);
  try {
    const r = await scrubAll(rt, { rate, resources: opts.resource?.length ? opts.resource : undefined, signal: ctx.signal });
    const bad = r.backups.filter((b) => !b.ok);
    if (opts.json) ctx.out(JSON.stringify(r, null, 2));
    else {
      const mb = (r.bytes / 1e6).toFixed(1);
      const limit = r.rate ? `, limit ${(r.rate / 1e6).toFixed(1)} MB/s` : '';
      ctx.out(`${r.backups.length} backups and ${r.copies.checked} copies re-hashed (${mb} MB in ${(r.durationMs / 1000).toFixed(1)} s${limit}), ${bad.length + r.copies.bad.length} bad`);
      for (const b of bad) ctx.out(`! backup ${b.name || '(folder)'} of ${b.resource} in ${b.region}: ${b.reason}`);
      for (const c of r.copies.bad) ctx.out(`! copy ${c.key} in ${c.region}: ${c.problem}`);
    }
    return bad.length || r.copies.bad.length ? EXIT.targetFailed : EXIT.ok;
  } finally {
    await rt.close();
  }
}

export const scrub = defineCommand({
  path: ['scrub'],
  description: 're-hash every backup and cold copy against its manifest and what was verified, at a rate limit; exit 1 naming any that rotted',
  options: [
    { flags: '--rate <rate>', description: "read at most this fast, e.g. 50MB/s (default: the estate's scrub.rate, else unlimited)" },
    { flags: '-r, --resource <id...>', description: 'only these resources and their copies' },
    { flags: '--json', description: 'machine-readable output' },
  ],
  schema: z.object({ rate: byteRate('--rate').optional(), resource: ids, json: flag }),
  run: (ctx, o) => scrubCommand(ctx, o),
});
