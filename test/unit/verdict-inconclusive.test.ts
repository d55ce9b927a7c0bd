import { describe, expect, it } from 'vitest';
import { exitFor } from '../../src/cli/commands/drill/run.js';
import { renderHistory, renderRun } from '../../src/cli/drill-format.js';
import type { DrillRun } from '../../src/drills/index.js';
import { plannedChecks } from '../../src/drills/dry-run.js';
import { PASSING_SCORE, score } from '../../src/scoring/index.js';

const H = 3_600_000;
const base = { rtoTargetMs: H, rtoAchievedMs: H / 2, rpoTargetMs: 24 * H, rpoAchievedMs: 2 * H, completenessTarget: 1, restored: true };

describe('a drill with no completeness check is inconclusive, not a pass', () => {
  it('scores an unknown completeness as inconclusive, below every pass, with the reason', () => {
    const s = score({ ...base, completenessAchieved: null });
    expect(s).toMatchObject({ outcome: 'inconclusive', passed: false, completeness: { target: 1, achieved: null, passed: false }, rto: { passed: true }, rpo: { passed: true } });
    expect(s.score).toBe(Math.floor((60 * 59) / 100));
    expect(s.score).toBeLessThan(PASSING_SCORE);
    expect(s.reasons).toEqual(['completeness: unknown: no check ran (no manifest for the backup, no assertions), so nothing shows the data came back']);
    // A missed target is a failure whatever completeness is.
    expect(score({ ...base, rtoAchievedMs: 2 * H, completenessAchieved: null }).outcome).toBe('failed');
    expect(score({ ...base, completenessAchieved: 1 })).toMatchObject({ outcome: 'passed', passed: true, reasons: [] });
  });

  it('counts the checks a backup allows: none without a manifest or assertions', () => {
    const checks = { rowCounts: true, checksums: true, schemaObjects: true, assertions: [] };
    expect(plannedChecks(undefined, checks)).toBe(0);
    expect(plannedChecks(undefined, undefined)).toBe(0);
    expect(plannedChecks(undefined, { ...checks, assertions: [{ name: 'a', sql: 'SELECT 1', min: 1 }] })).toBe(1);
    expect(plannedChecks({ version: 1, tables: [{ name: 'orders', rows: 2, checksum: 'x' }] } as never, checks)).toBe(2);
  });

  it('shows as INCONCLUSIVE in drill run and history, and exits 4', () => {
    const run = { runId: 'r1', drill: 'd', resource: 'db', sandbox: 'lite', phase: 'inconclusive', startedAt: '2026-11-22T00:00:00.000Z', owner: { host: 'h', pid: 1 }, steps: [], score: score({ ...base, completenessAchieved: null }) } as DrillRun;
    expect(exitFor(run)).toBe(4);
    const text = renderRun(run);
    expect(text).toContain('INCONCLUSIVE');
    expect(text).toMatch(/completeness\s+100\.0%\s+unknown\s+UNKNOWN/);
    expect(text).toContain('! completeness: unknown: no check ran');
    expect(renderHistory([run])).toMatch(/r1\s+inconclusive\s+35\s.*unknown/);
  });
});
