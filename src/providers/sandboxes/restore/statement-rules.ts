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
const MYSQL_DATABASE = new RegExp(String.raw`^(?:CREATE(?:\s+OR\s+REPLACE)?|DROP|ALTER)\s+(?:DATABASE|SCHEMA)\b(?:\s+IF\s+(?:NOT\s+)?EXISTS\b)?\s*${NAME}`, 'i');
const MYSQL_USE = new RegExp(String.raw`^USE\s+${NAME}`, 'i');
const PG_DATABASE = new RegExp(String.raw`^(?:(?:CREATE|DROP|ALTER)\s+DATABASE(?:\s+IF\s+EXISTS)?|COMMENT\s+ON\s+DATABASE)\s+${NAME}`, 'i');
const PG_OWNERSHIP = [/^ALTER\s[\s\S]*\bOWNER\s+TO\s/i, /^(?:GRANT|REVOKE)\s/i, /^(?:SET|RESET)\s+(?:SESSION\s+AUTHORIZATION|ROLE)\b/i, /^COMMENT\s+ON\s+EXTENSION\b/i, /^ALTER\s+DEFAULT\s+PRIVILEGES\b/i];
const IDENT = String.raw`(?:"(?:[^"]|"")*"|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)`;
/** Exactly what pg_dump writes: a table, optional columns, FROM stdin. Nothing else reaches COPY. */
const PG_COPY = new RegExp(String.raw`^COPY\s+(${IDENT}(?:\.${IDENT})?(?:\s*\(\s*${IDENT}(?:\s*,\s*${IDENT})*\s*\))?)\s+FROM\s+stdin$`, 'i');
const SESSION = /^(?:SET\s|SELECT\s+pg_catalog\.set_config\s*\()/i;

/** The note MariaDB's dumps open with, for its client only: no server reaches version 999999. */
const MARIADB_SANDBOX_NOTE = '/*M!999999\\- enable the sandbox mode */';

/** MySQL's /*! … *\/ and MariaDB's /*M! … *\/ at text[i] hold SQL the server runs (all but MariaDB's note to its client). */
export function isMysqlExecutableComment(text: string, i: number): boolean {
  return (text[i + 2] === '!' || (text[i + 2] === 'M' && text[i + 3] === '!')) && !text.startsWith(MARIADB_SANDBOX_NOTE, i);
}

/**
 * The statement's code as the server reads it, for classification: comments dropped
 * (nested in PostgreSQL), MySQL executable comments kept without their markers, quoted
 * text kept whole so a comment-like run inside a quoted name stays a name, whitespace
 * collapsed; at most `max` characters.
 */
export function codeHead(sql: string, dialect: Dialect, max = 1024): string {
  let out = '';
  let i = 0;
  let executable = 0;
  const n = sql.length;
  while (i < n && out.length < max) {
    const c = sql[i]!;
    if ((c === '-' && sql[i + 1] === '-' && (dialect === 'postgres' || /\s/.test(sql[i + 2] ?? ' '))) || (c === '#' && dialect === 'mysql')) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      if (!out.endsWith(' ')) out += ' ';
    } else if (c === '/' && sql[i + 1] === '*') {
      if (dialect === 'mysql' && isMysqlExecutableComment(sql, i)) {
        i += sql[i + 2] === '!' ? 3 : 4;
        while (i < n && sql.charCodeAt(i) >= 48 && sql.charCodeAt(i) <= 57) i++;
        executable++;
      } else {
        let depth = 1;
        i += 2;
        while (i < n && depth > 0) {
          if (dialect === 'postgres' && sql.startsWith('/*', i)) {
            depth++;
            i += 2;
          } else if (sql.startsWith('*/', i)) {
            depth--;
            i += 2;
          } else i++;
        }
      }
      out += ' ';
    } else if (c === '*' && sql[i + 1] === '/' && executable > 0) {
      executable--;
      i += 2;
      out += ' ';
    } else if (c === "'" || c === '"' || c === '`' || (c === '$' && dialect === 'postgres' && /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i, i + 64)))) {
      const close = closeOf(sql, i, dialect);
      out += sql.slice(i, Math.min(close, i + max));
      i = close;
    } else {
      const space = c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || c === '\v';
      // Runs of whitespace count once, so padding cannot push the keywords past `max`.
      if (!space) out += c;
      else if (out.length && !out.endsWith(' ')) out += ' ';
      i++;
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** The offset just past the quoted token opening at `i`. */
function closeOf(sql: string, i: number, dialect: Dialect): number {
  const c = sql[i]!;
  if (c === '$') {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))![0];
    const end = sql.indexOf(tag, i + tag.length);
    return end < 0 ? sql.length : end + tag.length;
  }
  const escapes = (dialect === 'mysql' && c !== '`') || (dialect === 'postgres' && c === "'" && /[Ee]/.test(sql[i - 1] ?? ''));
  let j = i + 1;
  while (j < sql.length) {
    if (escapes && sql[j] === '\\') j += 2;
    else if (sql[j] === c) {
      if (sql[j + 1] === c) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
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
