import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** What a writer hands the ledger; the ledger adds position, time and the chain. */
export interface LedgerEntry {
  /** Dotted event type, e.g. freshness.status-changed. */
  type: string;
  /** What the record is about: a resource id, a drill run id, the ledger itself. */
  subject: string;
  data: Record<string, unknown>;
}

export interface LedgerRecord extends LedgerEntry {
  seq: number;
  at: string;
  prev: string;
  hash: string;
}

/** JSON with object keys sorted at every depth, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashRecord(r: Omit<LedgerRecord, 'hash'>): string {
  const body = canonicalJson({ seq: r.seq, at: r.at, type: r.type, subject: r.subject, data: r.data, prev: r.prev });
  return createHash('sha256').update(body).digest('hex');
}

export function sealRecord(entry: LedgerEntry, seq: number, at: Date, prev: string): LedgerRecord {
  const unsealed = { seq, at: at.toISOString(), type: entry.type, subject: entry.subject, data: entry.data, prev };
  return { ...unsealed, hash: hashRecord(unsealed) };
}

/** One line of the ledger file: the record as JSON, fields in a fixed order for people reading it. */
export function recordLine(r: LedgerRecord): string {
  return `${JSON.stringify({ seq: r.seq, at: r.at, type: r.type, subject: r.subject, data: r.data, prev: r.prev, hash: r.hash })}\n`;
}

/** Parses one line; undefined when it is not a record at all (torn, garbled). */
export function parseRecordLine(line: string): LedgerRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  const ok =
    Number.isSafeInteger(r.seq) &&
    typeof r.at === 'string' &&
    typeof r.type === 'string' &&
    typeof r.subject === 'string' &&
    !!r.data &&
    typeof r.data === 'object' &&
    typeof r.prev === 'string' &&
    typeof r.hash === 'string';
  return ok ? (r as unknown as LedgerRecord) : undefined;
}
