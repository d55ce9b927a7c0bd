import type { Drill, Manifest } from '../config/index.js';
import { messageOf } from '../domain/index.js';
import { mysqlChecksumQuery, postgresChecksumQuery, type ColumnInfo, type SandboxTarget } from '../providers/index.js';

export interface CheckResult {
  kind: 'row-count' | 'checksum' | 'schema-object' | 'assertion' | 'canary';
  name: string;
  weight: number;
  passed: boolean;
  expected?: string | number;
  actual?: string | number;
  message: string;
}

export interface Completeness {
  /** Weighted share of checks passed; null when no weighted check ran (nothing to compare against is not 100%). */
  ratio: number | null;
  checks: CheckResult[];
  /** Newest canary heartbeat in the restored copy, when the drill asks for one. */
  canaryAt?: Date;
}

type DrillChecks = NonNullable<Drill['checks']>;
const DEFAULT_CHECKS: DrillChecks = { rowCounts: true, checksums: true, schemaObjects: true, assertions: [] };

/**
 * Runs a drill's completeness checks against the restored sandbox. A failed check is a
 * result with expected and actual, never an exception; the ratio is the weighted share
 * of checks that passed.
 */
export async function checkCompleteness(target: SandboxTarget, manifest: Manifest | undefined, checks: DrillChecks = DEFAULT_CHECKS): Promise<Completeness> {
  const results: CheckResult[] = [];
  const tables = await listTables(target);
  const find = (schema: string | undefined, name: string) => tables.find((t) => t.name === name && (target.engine === 'mysql' || !schema || t.schema === schema));

  for (const t of manifest?.tables ?? []) {
    const label = target.engine === 'postgres' && t.schema ? `${t.schema}.${t.name}` : t.name;
    const found = find(t.schema, t.name);
    if (checks.rowCounts) {
      if (!found) results.push({ kind: 'row-count', name: label, weight: 1, passed: false, expected: t.rows, actual: 'table missing', message: `table ${label} is missing from the restored copy` });
      else {
        const actual = await countRows(target, found);
        results.push({ kind: 'row-count', name: label, weight: 1, passed: actual === t.rows, expected: t.rows, actual, message: actual === t.rows ? `${label}: ${actual} rows` : `${label}: expected ${t.rows} rows, found ${actual}` });
      }
    }
    if (checks.checksums && t.checksum !== undefined && found) {
      const { checksum } = await tableChecksum(target, found);
      const ok = checksum === t.checksum;
      results.push({
        kind: 'checksum',
        name: label,
        weight: 1,
        passed: ok,
        expected: t.checksum,
        actual: checksum,
        message: ok ? `${label}: content checksum matches` : `${label}: content differs from the manifest (checksum ${checksum}, expected ${t.checksum})`,
      });
    }
  }

  if (checks.schemaObjects && manifest?.objects) {
    const present = await listObjects(target);
    for (const [kind, names] of Object.entries(manifest.objects) as [keyof typeof present, string[] | undefined][]) {
      for (const name of names ?? []) {
        const bare = name.includes('.') && target.engine === 'mysql' ? name.split('.').pop()! : name;
        const ok = present[kind].some((p) => p === bare || p.endsWith(`.${bare}`) || bare.endsWith(`.${p}`));
        results.push({ kind: 'schema-object', name: `${kind.replace(/s$/, '')} ${name}`, weight: 1, passed: ok, message: ok ? `${kind.replace(/s$/, '')} ${name} present` : `${kind.replace(/s$/, '')} ${name} is missing` });
      }
    }
  }

  for (const a of checks.assertions) {
    try {
      const rows = await target.query<Record<string, unknown>>(a.sql);
      const raw = rows[0] ? Object.values(rows[0])[0] : undefined;
      const actual = Number(raw);
      const ok = Number.isFinite(actual) && (a.equals === undefined || actual === a.equals) && (a.min === undefined || actual >= a.min) && (a.max === undefined || actual <= a.max);
      const expected = [a.equals !== undefined ? `= ${a.equals}` : '', a.min !== undefined ? `>= ${a.min}` : '', a.max !== undefined ? `<= ${a.max}` : ''].filter(Boolean).join(' and ');
      results.push({
        kind: 'assertion',
        name: a.name,
        weight: a.weight ?? 1,
        passed: ok,
        expected,
        actual: Number.isFinite(actual) ? actual : String(raw),
        message: ok ? `${a.name}: ${actual}` : `${a.name}: expected ${expected}, got ${String(raw)}`,
      });
    } catch (err) {
      results.push({ kind: 'assertion', name: a.name, weight: a.weight ?? 1, passed: false, message: `${a.name}: query failed: ${messageOf(err)}` });
    }
  }

  let canaryAt: Date | undefined;
  if (checks.canary) {
    const table = checks.canary.table;
    const found = tables.find((t) => t.name === table);
    if (!found) results.push({ kind: 'canary', name: table, weight: 0, passed: false, message: `canary table ${table} is missing from the restored copy` });
    else {
      const rows = await target.query<{ beat: unknown }>(`SELECT MAX(beat_at) AS beat FROM ${qualified(target, found)}`);
      const beat = rows[0]?.beat;
      canaryAt = beat ? parseDbTime(beat) : undefined;
      results.push({ kind: 'canary', name: table, weight: 0, passed: !!canaryAt, actual: canaryAt?.toISOString(), message: canaryAt ? `newest canary beat ${canaryAt.toISOString()}` : `canary table ${table} is empty` });
    }
  }

  const total = results.reduce((n, r) => n + r.weight, 0);
  const passed = results.reduce((n, r) => n + (r.passed ? r.weight : 0), 0);
  return { ratio: total === 0 ? null : passed / total, checks: results, canaryAt };
}

interface TableRef {
  schema: string;
  name: string;
}

function qualified(target: SandboxTarget, t: TableRef): string {
  return target.engine === 'mysql' ? `\`${t.name.replace(/`/g, '``')}\`` : `"${t.schema.replace(/"/g, '""')}"."${t.name.replace(/"/g, '""')}"`;
}

async function listTables(target: SandboxTarget): Promise<TableRef[]> {
  const sql =
    target.engine === 'mysql'
      ? "SELECT table_schema AS s, table_name AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
      : "SELECT table_schema AS s, table_name AS n FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')";
  return (await target.query<{ s: string; n: string }>(sql)).map((r) => ({ schema: r.s, name: r.n }));
}

async function countRows(target: SandboxTarget, t: TableRef): Promise<number> {
  const rows = await target.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${qualified(target, t)}`);
  return Number(rows[0]?.n);
}

/** The same lifeboat-v1 checksum `lifeboat manifest --from-db` computes on production. */
export async function tableChecksum(target: SandboxTarget, t: TableRef): Promise<{ rows: number; checksum: string }> {
  const colSql =
    target.engine === 'mysql'
      ? `SELECT column_name AS c, data_type AS d FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '${t.name.replace(/'/g, "''")}' ORDER BY ordinal_position`
      : `SELECT column_name AS c, data_type AS d FROM information_schema.columns WHERE table_schema = '${t.schema.replace(/'/g, "''")}' AND table_name = '${t.name.replace(/'/g, "''")}' ORDER BY ordinal_position`;
  const columns: ColumnInfo[] = (await target.query<{ c: string; d: string }>(colSql)).map((r) => ({ name: r.c, dataType: r.d }));
  const sql = target.engine === 'mysql' ? mysqlChecksumQuery(t.schema, t.name, columns) : postgresChecksumQuery(t.schema, t.name, columns);
  const row = (await target.query<{ n: unknown; s: unknown }>(sql))[0]!;
  return { rows: Number(row.n), checksum: String(row.s) };
}

async function listObjects(target: SandboxTarget): Promise<{ views: string[]; routines: string[]; triggers: string[] }> {
  const where = target.engine === 'mysql' ? (col: string) => `${col} = DATABASE()` : (col: string) => `${col} NOT IN ('pg_catalog', 'information_schema')`;
  const names = async (sql: string) => (await target.query<{ n: string }>(sql)).map((r) => r.n);
  const pgPrefix = (col: string) => (target.engine === 'postgres' ? `${col} || '.' || ` : '');
  return {
    views: await names(`SELECT ${pgPrefix('table_schema')}table_name AS n FROM information_schema.views WHERE ${where('table_schema')}`),
    routines: await names(`SELECT ${pgPrefix('routine_schema')}routine_name AS n FROM information_schema.routines WHERE ${where('routine_schema')}`),
    triggers: await names(`SELECT DISTINCT trigger_name AS n FROM information_schema.triggers WHERE ${where('trigger_schema')}`),
  };
}

function parseDbTime(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  const s = String(v);
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
