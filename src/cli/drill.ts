import { formatDuration, loadConfig, type Drill } from '../config/index.js';
import { dryRunDrill, runDrill, type DrillRun } from '../drills/index.js';
import { describeCadence } from '../scheduling/index.js';
import { LifeboatError } from '../domain/index.js';
import { EXIT, type CliContext } from './context.js';
import { renderHistory, renderRun } from './drill-format.js';
import { renderTable } from './output.js';

export async function drillListCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
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

/** lifeboat drill run NAME: exit 0 passed, 1 a target or check failed, 2 config error, 3 infrastructure error, 4 inconclusive. */
export async function drillRunCommand(ctx: CliContext, name: string, opts: { json?: boolean; dryRun?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  if (!config.drills.has(name)) throw new LifeboatError('USAGE', `unknown drill ${name}: expected one of ${[...config.drills.keys()].join(', ') || '(none defined)'}`);
  const rt = await ctx.openRuntime(config);
  try {
    if (opts.dryRun) {
      const r = await dryRunDrill(name, { ...rt, signal: ctx.signal });
      if (opts.json) ctx.out(JSON.stringify(r, null, 2));
      else ctx.out([`drill ${name}: ${r.ready ? 'ready' : 'NOT READY'}`, ...r.checks.map((c) => `  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`), ...r.warnings.map((w) => `  ! ${w}`)].join('\n'));
      // A guard refusal exits as the real run would (2): the same code judged it.
      return r.refused ? EXIT.usage : r.ready ? EXIT.ok : EXIT.targetFailed;
    }
    let lastShown = 0;
    const run = await runDrill(name, {
      ...rt,
      signal: ctx.signal,
      onProgress: ({ bytes, total }) => {
        const now = Date.now();
        if (now - lastShown < 1000 && bytes < total) return;
        lastShown = now;
        ctx.progress(`restoring ${progressSize(bytes, total)} (${total ? Math.floor((bytes / total) * 100) : 100}%)`);
      },
    });
    ctx.progress('');
    ctx.out(opts.json ? JSON.stringify(run, null, 2) : renderRun(run));
    return exitFor(run);
  } finally {
    await rt.close();
  }
}

export function exitFor(run: DrillRun): number {
  return run.phase === 'passed' ? EXIT.ok : run.phase === 'failed' || run.phase === 'partially-failed' ? EXIT.targetFailed : run.phase === 'inconclusive' ? EXIT.inconclusive : EXIT.infrastructure;
}

export async function drillShowCommand(ctx: CliContext, runId: string, opts: { json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const rt = await ctx.openRuntime(config);
  try {
    // A drill's name stands for its latest run: what a person asks for after `drill run`.
    const run = (await rt.runs.get(runId)) ?? (config.drills.has(runId) ? (await rt.runs.list({ drill: runId })).at(-1) : undefined);
    if (!run) throw new LifeboatError('USAGE', config.drills.has(runId) ? `drill ${runId} has no runs yet` : `no drill run ${runId}`);
    ctx.out(opts.json ? JSON.stringify(run, null, 2) : renderRun(run));
    return EXIT.ok;
  } finally {
    await rt.close();
  }
}

export async function drillHistoryCommand(ctx: CliContext, name: string, opts: { json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  if (!config.drills.has(name)) throw new LifeboatError('USAGE', `unknown drill ${name}`);
  const rt = await ctx.openRuntime(config);
  const runs = await rt.runs.list({ drill: name }).finally(() => rt.close());
  if (opts.json) {
    ctx.out(
      JSON.stringify(
        runs.map((r) => ({
          runId: r.runId,
          startedAt: r.startedAt,
          phase: r.phase,
          score: r.score?.score ?? null,
          rtoMs: r.score?.rto.achieved ?? null,
          rpoMs: r.score?.rpo.achieved ?? null,
          completeness: r.score?.completeness.achieved ?? null,
          reasons: r.score?.reasons ?? [],
          backup: r.backup?.name ?? null,
        })),
        null,
        2,
      ),
    );
  } else ctx.out(runs.length ? renderHistory(runs) : `no runs of ${name} yet`);
  return EXIT.ok;
}

/** "9.8 / 9.8 KB" or "27.3 / 200.3 MB": a small dump does not read as "0.0 / 0.0 MB". */
function progressSize(bytes: number, total: number): string {
  const [unit, div] = total >= 1e6 ? ['MB', 1e6] : ['KB', 1e3];
  return `${(bytes / div).toFixed(1)} / ${(total / div).toFixed(1)} ${unit}`;
}

/** "latest", "latest in ap-shanghai", "random within 30d", "at 2026-11-01T02:00:00Z": the selector as a person reads it. */
function describeBackup(b: Drill['backup']): string {
  if (b === 'latest') return b;
  if ('latest-in-region' in b) return `latest in ${b['latest-in-region']}`;
  if ('random-within' in b) return `random within ${typeof b['random-within'] === 'number' ? formatDuration(b['random-within']) : b['random-within']}`;
  return `at ${b.at}`;
}
