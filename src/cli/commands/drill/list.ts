import { z } from 'zod';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';
import { formatDuration, loadConfig, type Drill } from '../../../config/index.js';
import { describeCadence } from '../../../scheduling/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { renderTable } from '../../output.js';

export const drillList = defineCommand({
  path: ['drill', 'list'],
  description: 'the drills in drills/',
  options: [JSON_OPTION()],
  schema: z.object({ json: flag }),
  run: (ctx, o) => drillListCommand(ctx, o),
});

async function drillListCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const rows = [...config.drills.values()].map((d) => ({ name: d.name, resource: d.resource, sandbox: d.sandbox, backup: d.backup, cadence: d.cadence ?? null, file: d.file }));
  if (opts.json) ctx.out(JSON.stringify(rows, null, 2));
  else
    ctx.out(
      renderTable(
        ['DRILL', 'RESOURCE', 'SANDBOX', 'BACKUP', 'CADENCE'],
        rows.map((r) => [r.name, r.resource, r.sandbox, describeBackup(r.backup), r.cadence ? describeCadence(r.cadence) : '-']),
      ),
    );
  return EXIT.ok;
}

/** "latest", "latest in ap-shanghai", "random within 30d", "at 2026-11-01T02:00:00Z": the selector as a person reads it. */
function describeBackup(b: Drill['backup']): string {
  if (b === 'latest') return b;
  if ('latest-in-region' in b) return `latest in ${b['latest-in-region']}`;
  if ('random-within' in b) return `random within ${typeof b['random-within'] === 'number' ? formatDuration(b['random-within']) : b['random-within']}`;
  return `at ${b.at}`;
}
