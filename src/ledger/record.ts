import { createHash } from 'node:crypto';
import type { LedgerSigner } from './signing.js';

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
  /** The key that signed it (in the hash, so a signature cannot be stripped without breaking the chain). */
  kid?: string;
  hash: string;
  /** ed25519 signature over recordMessage(hash), base64; absent on records written without a key. */
  sig?: string;
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

/** Records written before signing existed have no kid, and hash exactly as they always did. */
export function hashRecord(r: Omit<LedgerRecord, 'hash' | 'sig'>): string {
  const body = canonicalJson({ seq: r.seq, at: r.at, type: r.type, subject: r.subject, data: r.data, prev: r.prev, kid: r.kid });
  return createHash('sha256').update(body).digest('hex');
}

/** What a record's signature covers: its hash, which covers its content, its key and the chain. */
export function recordMessage(hash: string): string {
  return `lifeboat-ledger-record:v1:${hash}`;
}

export function sealRecord(entry: LedgerEntry, seq: number, at: Date, prev: string, signer?: LedgerSigner): LedgerRecord {
  const unsealed = { seq, at: at.toISOString(), type: entry.type, subject: entry.subject, data: entry.data, prev, kid: signer?.kid };
  const hash = hashRecord(unsealed);
  return signer ? { ...unsealed, hash, sig: signer.sign(recordMessage(hash)) } : { seq, at: unsealed.at, type: entry.type, subject: entry.subject, data: entry.data, prev, hash };
}

/** One line of the ledger file: the record as JSON, fields in a fixed order for people reading it. */
export function recordLine(r: LedgerRecord): string {
  return `${JSON.stringify({ seq: r.seq, at: r.at, type: r.type, subject: r.subject, data: r.data, prev: r.prev, kid: r.kid, hash: r.hash, sig: r.sig })}\n`;
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
    typeof r.hash === 'string' &&
    (r.kid === undefined || typeof r.kid === 'string') &&
    (r.sig === undefined || typeof r.sig === 'string');
  return ok ? (r as unknown as LedgerRecord) : undefined;
}
