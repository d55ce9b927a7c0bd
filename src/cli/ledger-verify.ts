import { loadConfig } from '../config/index.js';
import { createFsLedger } from '../ledger/index.js';
import { EXIT, type CliContext } from './context.js';

/** lifeboat ledger verify: exit 0 when the chain is intact, 1 naming every problem by position. */
export async function ledgerVerifyCommand(ctx: CliContext, opts: { json?: boolean; dir?: string }): Promise<number> {
  const dir = opts.dir ?? (await loadConfig(ctx.configPath)).ledgerDir;
  const report = await createFsLedger({ dir, clock: ctx.clock, logger: ctx.logger }).verify();
  if (opts.json) ctx.out(JSON.stringify({ dir, ...report }, null, 2));
  else {
    const lines = report.ok
      ? [`ledger ok: ${report.records} records, head #${report.headSeq} ${report.headHash}`]
      : [`ledger BROKEN: ${report.problems.length} problem(s) in ${report.records} records`, ...report.problems.map((p) => `  line ${p.position}: ${p.kind}: ${p.message}`)];
    ctx.out([...lines, ...report.notes.map((n) => `  note: ${n}`)].join('\n'));
  }
  return report.ok ? EXIT.ok : EXIT.targetFailed;
}
