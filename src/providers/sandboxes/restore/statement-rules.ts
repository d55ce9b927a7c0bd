import type { Dialect, SkipReason } from './restore-types.js';

export type Verdict =
  | { kind: 'run' }
  | { kind: 'session' }
  | { kind: 'database'; name: string }
  | { kind: 'skip'; reason: SkipReason }
  | { kind: 'copy'; target: string }
  | { kind: 'bad-copy' }
  | { kind: 'encoding'; value: string }
  | { kind: 'conforming-strings'; on: boolean };

const NAME = String.raw`(\x60[^\x60]+\x60|"[^"]+"|[^\s;(/]+)`;
const MYSQL_DATABASE = new RegExp(String.raw`^(?:CREATE|DROP|ALTER)\s+(?:DATABASE|SCHEMA)\b(?:\s+IF\s+(?:NOT\s+)?EXISTS\b)?\s*${NAME}`, 'i');
const MYSQL_USE = new RegExp(String.raw`^USE\s+${NAME}`, 'i');
const PG_DATABASE = new RegExp(String.raw`^(?:(?:CREATE|DROP|ALTER)\s+DATABASE(?:\s+IF\s+EXISTS)?|COMMENT\s+ON\s+DATABASE)\s+${NAME}`, 'i');
const PG_OWNERSHIP = [/^ALTER\s[\s\S]*\bOWNER\s+TO\s/i, /^(?:GRANT|REVOKE)\s/i, /^(?:SET|RESET)\s+(?:SESSION\s+AUTHORIZATION|ROLE)\b/i, /^COMMENT\s+ON\s+EXTENSION\b/i, /^ALTER\s+DEFAULT\s+PRIVILEGES\b/i];
const IDENT = String.raw`(?:"(?:[^"]|"")*"|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)`;
/** Exactly what pg_dump writes: a table, optional columns, FROM stdin. Nothing else reaches COPY. */
const PG_COPY = new RegExp(String.raw`^COPY\s+(${IDENT}(?:\.${IDENT})?(?:\s*\(\s*${IDENT}(?:\s*,\s*${IDENT})*\s*\))?)\s+FROM\s+stdin$`, 'i');
const SESSION = /^(?:SET\s|SELECT\s+pg_catalog\.set_config\s*\()/i;

/** The statement's start with comments and MySQL executable-comment markers removed, so `/*!40000 DROP DATABASE x*\/` reads as what it does. */
export function headOf(sql: string, dialect: Dialect): string {
  let head = sql.length > 4096 ? sql.slice(0, 4096) : sql;
  head = head.replace(/\/\*(?!M?!)[\s\S]*?\*\//g, ' ');
  if (dialect === 'mysql') head = head.replace(/\/\*M?!\d*/g, ' ').replace(/\*\//g, ' ');
  return head.replace(/^\s+/, '').replace(/\s+$/, '');
}

export function unquote(name: string): string {
  return /^[`"].*[`"]$/.test(name) ? name.slice(1, -1) : name;
}

/** What a statement is, for the restore: run it, or one of the kinds the restore handles itself. */
export function classify(head: string, dialect: Dialect): Verdict {
  if (dialect === 'mysql') {
    const db = MYSQL_DATABASE.exec(head) ?? MYSQL_USE.exec(head);
    if (db) return { kind: 'database', name: unquote(db[1]!) };
    return SESSION.test(head) ? { kind: 'session' } : { kind: 'run' };
  }
  const db = PG_DATABASE.exec(head);
  if (db) return { kind: 'database', name: unquote(db[1]!) };
  if (/^COPY\s/i.test(head)) {
    const copy = PG_COPY.exec(head);
    return copy ? { kind: 'copy', target: copy[1]! } : { kind: 'bad-copy' };
  }
  const enc = /^SET\s+client_encoding\s*(?:=|\bTO\b)\s*'?([\w-]+)'?$/i.exec(head);
  if (enc) return { kind: 'encoding', value: enc[1]! };
  const scs = /^SET\s+standard_conforming_strings\s*(?:=|\bTO\b)\s*'?(on|off|true|false)'?$/i.exec(head);
  if (scs) return { kind: 'conforming-strings', on: /^(on|true)$/i.test(scs[1]!) };
  if (PG_OWNERSHIP.some((r) => r.test(head))) return { kind: 'skip', reason: 'ownership' };
  return SESSION.test(head) ? { kind: 'session' } : { kind: 'run' };
}
