import { formatDuration } from '../config/index.js';
import type { DrillRun } from '../drills/index.js';
import { painter, renderTable } from './output.js';

const pct = (r: number | null | undefined) => (r === null || r === undefined ? '-' : `${(r * 100).toFixed(1)}%`);
const dur = (ms: number | null | undefined) => (ms === null || ms === undefined ? '-' : formatDuration(ms));

/** A drill run for people: verdict, targets vs achieved, phases, failing checks. */
export function renderRun(run: DrillRun): string {
  const paint = painter();
  const s = run.score;
  const verdict =
    run.phase === 'passed'
      ? paint('green', 'PASSED')
      : run.phase === 'failed' || run.phase === 'partially-failed'
        ? paint('red', run.phase === 'failed' ? 'FAILED' : 'PARTIALLY FAILED')
        : run.phase === 'inconclusive'
          ? paint('yellow', 'INCONCLUSIVE')
          : paint('magenta', run.phase.toUpperCase());
  const lines = [
    `drill ${run.drill}  run ${run.runId}  ${verdict}${s ? `  score ${s.score}/100` : ''}`,
    `backup ${run.backup ? `${run.backup.name} (${run.backup.region}, ${run.backup.time}, ${run.backup.size} bytes)` : '-'}  sandbox ${run.sandbox}`,
  ];
  if (s) {
    lines.push(
      '',
      renderTable(
        ['TARGET', 'GOAL', 'ACHIEVED', 'RESULT'],
        [
          ['RTO', dur(s.rto.target), dur(s.rto.achieved), s.rto.passed ? 'pass' : 'FAIL'],
          ['RPO', dur(s.rpo.target), dur(s.rpo.achieved), s.rpo.passed ? 'pass' : 'FAIL'],
          ['completeness', pct(s.completeness.target), s.completeness.achieved === null ? 'unknown' : pct(s.completeness.achieved), s.completeness.passed ? 'pass' : s.completeness.achieved === null ? 'UNKNOWN' : 'FAIL'],
        ],
      ),
    );
  }
  // Runs saved before reasons existed have none.
  for (const r of s?.reasons ?? []) lines.push(paint(run.phase === 'inconclusive' ? 'yellow' : 'red', `! ${r}`));
  if (run.phases)
    lines.push(
      '',
      `phases: ${Object.entries(run.phases)
        .map(([k, v]) => `${k} ${dur(v)}`)
        .join(', ')}`,
    );
  const failed = (run.checks ?? []).filter((c) => !c.passed);
  if (run.checks) lines.push(`checks: ${run.checks.length - failed.length}/${run.checks.length} passed`);
  for (const c of failed) lines.push(paint('red', `  ✗ ${c.kind} ${c.message}`));
  if (run.error) lines.push(paint('red', `error: ${run.error}`));
  if (run.kept) lines.push(`sandbox kept for debugging until ${run.kept.until}: database ${run.kept.database ?? '-'} in sandbox ${run.sandbox}`);
  return lines.join('\n');
}

export function renderHistory(runs: DrillRun[]): string {
  return renderTable(
    ['STARTED', 'RUN', 'RESULT', 'SCORE', 'RTO', 'RPO', 'COMPLETENESS', 'BACKUP'],
    runs.map((r) => [
      r.startedAt,
      r.runId,
      r.phase,
      r.score ? String(r.score.score) : '-',
      dur(r.score?.rto.achieved),
      dur(r.score?.rpo.achieved),
      r.score && r.score.completeness.achieved === null ? 'unknown' : pct(r.score?.completeness.achieved),
      r.backup?.name ?? '-',
    ]),
  );
}
