import { loadConfig } from '../config/index.js';
import { createFsLedger } from '../ledger/index.js';
import { EXIT, type CliContext } from './context.js';

/** lifeboat ledger verify: exit 0 when the chain is intact, 1 naming every problem by position. */
export async function ledgerVerifyCommand(ctx: CliContext, opts: { json?: boolean; dir?: string }): Promise<number> {
  let report;
  let where: string;
  if (opts.dir) {
    where = opts.dir;
    report = await createFsLedger({ dir: opts.dir, clock: ctx.clock, logger: ctx.logger }).verify();
  } else {
    const config = await loadConfig(ctx.configPath);
    const rt = await ctx.openRuntime(config);
    where = config.estate.ledger?.backend === 'redis' ? 'redis' : config.ledgerDir;
    try {
      report = await rt.ledger.verify();
    } finally {
      await rt.close();
    }
  }
  if (opts.json) ctx.out(JSON.stringify({ ledger: where, ...report }, null, 2));
  else {
    const lines = report.ok
      ? [`ledger ok: ${report.records} records, head #${report.headSeq} ${report.headHash}`]
      : [`ledger BROKEN: ${report.problems.length} problem(s) in ${report.records} records`, ...report.problems.map((p) => `  line ${p.position}: ${p.kind}: ${p.message}`)];
    ctx.out([...lines, ...report.notes.map((n) => `  note: ${n}`)].join('\n'));
  }
  return report.ok ? EXIT.ok : EXIT.targetFailed;
}
