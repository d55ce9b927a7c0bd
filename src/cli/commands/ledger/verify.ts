import { z } from 'zod';
import { loadConfig } from '../../../config/index.js';
import { createDirWitness, createFsLedger, createVerifier, parsePublicKey, type SealChecks, type VerifyReport } from '../../../ledger/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';

/**
 * lifeboat ledger verify: exit 0 when the chain, the signatures and the seals agree, 1 naming
 * every problem by position. It always says what it checked: records, signatures, the head
 * seal and the witness, and what it could not check.
 */
async function ledgerVerifyCommand(ctx: CliContext, opts: { json?: boolean; dir?: string; publicKey?: string; witness?: string }): Promise<number> {
  let report: VerifyReport;
  let where: string;
  if (opts.dir) {
    where = opts.dir;
    const sealing = { verifier: opts.publicKey ? createVerifier(parsePublicKey(opts.publicKey)) : undefined, witness: opts.witness ? createDirWitness(opts.witness) : undefined };
    report = await createFsLedger({ dir: opts.dir, clock: ctx.clock, logger: ctx.logger, sealing }).verify();
  } else {
    const config = await loadConfig(ctx.configPath);
    const rt = await ctx.openRuntime(config);
    const l = config.estate.ledger;
    // Never the URL itself: it holds the password.
    where = l?.backend === 'redis' ? `redis ${l.key ?? 'lifeboat:ledger'}` : l?.backend === 'postgres' ? `postgres schema ${l.schema ?? 'lifeboat'} (ledger.url)` : config.ledgerDir;
    try {
      report = await rt.ledger.verify();
      // Told, not ledgered: a ledger cannot vouch for itself; subscribers (alerts) act on a broken one.
      await rt.events.record('ledger.verified', where, { ok: report.ok, records: report.records, problems: report.problems.length });
    } finally {
      await rt.close();
    }
  }
  if (opts.json) ctx.out(JSON.stringify({ ledger: where, ...report }, null, 2));
  else ctx.out(renderReport(where, report));
  return report.ok ? EXIT.ok : EXIT.targetFailed;
}

function renderReport(where: string, report: VerifyReport): string {
  const head = report.ok
    ? report.records
      ? `ledger ok: ${report.records} records, head #${report.headSeq} ${report.headHash}`
      : `ledger empty: no records in ${where}, and nothing says any were written`
    : `ledger BROKEN: ${report.problems.length} problem(s) in ${report.records} records (${where})`;
  return [head, ...checkedLines(report), ...report.problems.map((p) => `  line ${p.position}: ${p.kind}: ${p.message}`), ...report.notes.map((n) => `  note: ${n}`)].join('\n');
}

function checkedLines(report: VerifyReport): string[] {
  const c: SealChecks | undefined = report.checked;
  const lines = [`  records:    ${report.records} read, each hash and link checked`];
  if (!c) return lines;
  const s = c.signatures;
  lines.push(
    `  signatures: ${
      s.key
        ? s.signed
          ? `${s.valid} of ${s.signed} signed record(s) verify against key ${s.key}${s.unsigned ? `; ${s.unsigned} unsigned` : ''}`
          : `status unsigned: no record is signed (key ${s.key} is configured)`
        : `not checked: no ledger.publicKey configured (${s.signed} signed, ${s.unsigned} unsigned)`
    }`,
  );
  const seal = (x: { state: string; seq?: number; at?: string; signature?: string }) => (x.state === 'present' ? `#${x.seq}${x.at ? ` sealed ${x.at}` : ''}, ${x.signature === 'not-checked' ? 'signature not checked' : x.signature}` : x.state);
  lines.push(`  head seal:  ${seal(c.head)}`);
  lines.push(`  witness:    ${c.witness.state === 'none' ? 'none configured: a cut or emptied ledger with a deleted head cannot be told from a new one' : `${c.witness.where}: ${seal(c.witness)}`}`);
  return lines;
}

export const ledgerVerify = defineCommand({
  path: ['ledger', 'verify'],
  description: 'check every record and the chain; exit 0 intact, 1 naming each problem',
  options: [
    JSON_OPTION(),
    { flags: '--dir <dir>', description: 'ledger folder (default: from the estate)' },
    { flags: '--public-key <key>', description: 'with --dir: check signatures against this ed25519 public key (base64)' },
    { flags: '--witness <dir>', description: 'with --dir: compare with the seal in this witness folder' },
  ],
  schema: z.object({ json: flag, dir: z.string().optional(), publicKey: z.string().optional(), witness: z.string().optional() }),
  run: (ctx, o) => ledgerVerifyCommand(ctx, o),
});
