import type { DatabaseSnapshot } from '../providers/index.js';
import type { DumpScan } from './dump-scan.js';

/**
 * Why a dump cannot stand as the truth about its database: empty, cut short, or (against
 * the live database) missing tables the database has. A manifest written from such a dump
 * would make a drill of it pass. Rows that differ are not listed: the database moves on
 * after a dump.
 */
export function partialDumpProblems(dump: { size: number; scan: Pick<DumpScan, 'tables' | 'truncated'> }, snap?: DatabaseSnapshot): string[] {
  if (dump.size === 0) return ['the dump file is empty (0 bytes)'];
  const problems: string[] = [];
  if (dump.scan.truncated) problems.push(`the dump looks cut short: ${dump.scan.truncated}`);
  if (!dump.scan.tables.length) problems.push(`the dump has no tables${snap ? `; the database has ${snap.tables.length}` : ''}`);
  else if (snap) {
    const inDump = new Set(dump.scan.tables.map((t) => t.name));
    const lacking = snap.tables.filter((t) => !inDump.has(t.name)).map((t) => t.name);
    if (lacking.length) problems.push(`the dump lacks ${lacking.length} of the database's ${snap.tables.length} tables: ${lacking.slice(0, 20).join(', ')}${lacking.length > 20 ? ', …' : ''}`);
  }
  return problems;
}
