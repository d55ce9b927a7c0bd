import type { Dialect, SkippedStatement, SkipReason } from './restore-types.js';

/** A dump of a million USE lines must not make a million-entry report. */
const SKIPPED_LISTED = 100;
/** Longer than any client command pg_dump or mysqldump writes. */
const MAX_COMMAND = 4096;
import { refuse, truncated } from './restore-errors.js';
import { SqlSplitter } from './sql-splitter.js';
import { classify, codeHead, unquote } from './statement-rules.js';

/** What the restore sends to the sandbox, in order. */
export type DumpItem =
  /** latin1 text: one character per byte of the dump. */
  { kind: 'sql'; sql: string; line: number } | { kind: 'copy'; sql: string; line: number } | { kind: 'copy-data'; data: Buffer } | { kind: 'copy-end' };

export interface ParseReport {
  /** The first statements not sent, with line and reason (at most SKIPPED_LISTED). */
  skipped: SkippedStatement[];
  /** How many were not sent, by reason: the list above stops, these counts do not. */
  skippedByReason: Partial<Record<SkipReason, number>>;
  statements: number;
  /** The database the dump names for itself (mysqldump --databases, pg_dump -C), if any. */
  database?: string;
  /** PostgreSQL: the client encoding the dump's text is in. */
  encoding: string;
}

const SUPPORTED_ENCODINGS = /^(utf-?8|unicode|sql_ascii|latin1|iso-?8859-?1)$/i;

/**
 * Turns dump bytes into what a restore sends over the wire: statements, and COPY blocks
 * as raw data. It holds the restore's rules, so every backend applies the same ones:
 * - SQL only: a client command (psql's \!, \copy, \o, \i…, mysql's system, source, tee…)
 *   is a refusal naming its line; psql's \restrict/\unrestrict pair is checked (matching
 *   keys, nothing after \unrestrict but \connect to the dump's own database and a new
 *   \restrict, or the end), and \connect may name only the dump's own database.
 * - One database: statements that create, drop, alter or pick the dump's own database
 *   (the one it names before its first table) are skipped, the sandbox standing in for
 *   it; naming any other database is a refusal.
 * - PostgreSQL: COPY only FROM stdin as pg_dump writes it; OWNER TO, GRANT and role
 *   switches are skipped (the per-run role cannot name production roles).
 * - MySQL: DEFINER clauses are removed so views, triggers and routines belong to the
 *   per-run user.
 * The server's rights are the wall behind these rules: the per-run user can reach its
 * own database only, and no host file or program.
 */
export class DumpParser {
  readonly report: ParseReport = { skipped: [], skippedByReason: {}, statements: 0, encoding: 'UTF8' };
  private readonly splitter: SqlSplitter;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lineNo = 0;
  private out: DumpItem[] = [];
  private inCopy: { line: number } | undefined;
  private preamble = true;
  private restrict: { key: string; open: boolean; line: number } | undefined;
  /** Set by \unrestrict: only \connect to the own database, then \restrict, or the end may follow. */
  private unrestrictedAt: number | undefined;
  private connectedAfterUnrestrict = false;
  private copyTrailer = false;

  constructor(
    private readonly dialect: Dialect,
    private readonly limits: { maxStatementBytes: number } = { maxStatementBytes: 256 << 20 },
  ) {
    this.splitter = new SqlSplitter(dialect, { statement: (sql, line) => this.statement(sql, line), command: (text, line) => this.command(text, line) }, limits.maxStatementBytes);
  }

  /** Items for this chunk of the dump; lines are completed across chunks. */
  push(chunk: Buffer): DumpItem[] {
    const nl = chunk.lastIndexOf(0x0a);
    if (nl < 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes > this.limits.maxStatementBytes) refuse(this.lineNo + 1, `a line longer than ${this.limits.maxStatementBytes} bytes: refused`);
      return [];
    }
    const bytes = this.pending.length ? Buffer.concat([...this.pending, chunk.subarray(0, nl + 1)]) : chunk.subarray(0, nl + 1);
    this.pending = nl + 1 < chunk.length ? [chunk.subarray(nl + 1)] : [];
    this.pendingBytes = chunk.length - nl - 1;
    this.lines(bytes);
    return this.take();
  }

  /** The last items, after checking the dump ended where a complete dump ends. */
  end(): DumpItem[] {
    if (this.pending.length) {
      const bytes = Buffer.concat(this.pending);
      this.pending = [];
      this.lines(bytes);
    }
    if (this.inCopy) truncated(this.lineNo, 'inside a COPY block');
    const open = this.splitter.pending;
    if (open) truncated(open.line, 'inside a statement');
    if (this.restrict?.open) truncated(this.lineNo, `before the \\unrestrict that closes \\restrict (line ${this.restrict.line})`);
    return this.take();
  }

  private take(): DumpItem[] {
    const items = this.out;
    this.out = [];
    return items;
  }

  private lines(bytes: Buffer): void {
    const length = bytes.length;
    const text = bytes.toString('latin1');
    let start = 0;
    while (start < length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = length;
      this.lineNo++;
      if (this.inCopy) this.copyLine(text, bytes, start, end);
      else this.splitter.line(text, start, end, this.lineNo);
      if (this.copyTrailer) this.checkCopyTrailer();
      start = end + 1;
    }
  }

  private copyLine(text: string, bytes: Buffer, start: number, end: number): void {
    const lineEnd = end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
    if (lineEnd - start === 2 && text.startsWith('\\.', start)) {
      this.inCopy = undefined;
      this.out.push({ kind: 'copy-end' });
      return;
    }
    const data = bytes.subarray(start, Math.min(end + 1, bytes.length));
    const last = this.out[this.out.length - 1];
    // Consecutive rows of one chunk go out as one slice of the input.
    if (last?.kind === 'copy-data' && last.data.buffer === data.buffer && last.data.byteOffset + last.data.length === data.byteOffset) {
      last.data = Buffer.from(data.buffer, last.data.byteOffset, last.data.length + data.length);
    } else this.out.push({ kind: 'copy-data', data });
  }

  /** pg_dump ends a COPY head with its line: anything after the semicolon would be read as data by psql and as SQL by us. */
  private checkCopyTrailer(): void {
    this.copyTrailer = false;
    if (this.splitter.pending) refuse(this.lineNo, 'text after COPY … FROM stdin; on its line: refused');
  }

  private statement(sql: string, line: number): void {
    if (this.inCopy) refuse(line, 'text after COPY … FROM stdin; on its line: refused');
    this.afterUnrestrict(line, 'a statement');
    const head = codeHead(sql, this.dialect);
    if (!head) return;
    const v = classify(head, this.dialect);
    switch (v.kind) {
      case 'database':
        return this.databaseStatement(v.name, line, head);
      case 'skip':
        this.skip(line, head, v.reason);
        return;
      case 'encoding':
        if (!SUPPORTED_ENCODINGS.test(v.value)) refuse(line, `client_encoding ${v.value}: only UTF8 and LATIN1 dumps are restored`);
        this.report.encoding = v.value;
        this.skip(line, head, 'encoding');
        return;
      case 'bad-copy':
        refuse(line, `COPY may only read FROM stdin as pg_dump writes it (found: ${head.slice(0, 120)})`);
      // falls through: refuse never returns
      case 'copy':
        this.inCopy = { line };
        this.copyTrailer = true;
        this.out.push({ kind: 'copy', sql, line });
        this.report.statements++;
        this.preamble = false;
        return;
      case 'conforming-strings':
        this.splitter.backslashStrings = !v.on;
        break;
      case 'run':
        this.preamble = false;
        break;
      case 'session':
        break;
    }
    this.out.push({ kind: 'sql', sql: this.dialect === 'mysql' ? stripDefiner(sql, head) : sql, line });
    this.report.statements++;
  }

  /** The dump's own database may be named before its first table; any other name, or a late first name, is refused. */
  private databaseStatement(name: string, line: number, text: string): void {
    if (this.report.database === undefined && this.preamble) this.report.database = name;
    if (name !== this.report.database) {
      refuse(
        line,
        this.report.database === undefined
          ? `a statement naming database ${name} after the dump's first table: a restore stays in its sandbox database`
          : `a statement naming database ${name}, but this dump restores ${this.report.database} only: a restore stays in its sandbox database`,
      );
    }
    this.skip(line, text, 'own-database');
  }

  private skip(line: number, text: string, reason: SkipReason): void {
    this.report.skippedByReason[reason] = (this.report.skippedByReason[reason] ?? 0) + 1;
    if (this.report.skipped.length < SKIPPED_LISTED) this.report.skipped.push({ line, text: text.slice(0, 200), reason });
  }

  private command(text: string, line: number): void {
    if (this.inCopy) refuse(line, 'text after COPY … FROM stdin; on its line: refused');
    if (text.length > MAX_COMMAND) refuse(line, `a client command line longer than ${MAX_COMMAND} characters: refused`);
    const body = text.startsWith('\\') ? text.slice(1) : text;
    const space = body.search(/\s/);
    const name = space < 0 ? body : body.slice(0, space);
    const arg = space < 0 ? '' : body.slice(space).trim();
    if (this.dialect === 'mysql') {
      if (/^delimiter$/i.test(name) && arg && !/\\/.test(arg)) {
        this.afterUnrestrict(line, 'DELIMITER');
        this.splitter.setDelimiter(arg.split(/\s+/)[0]!);
        return;
      }
      if (/^(use|u)$/i.test(name)) {
        // The client's USE ends with its line, semicolon or not, and takes one name.
        const db = /^(`(?:[^`]|``)+`|[^\s;`]+)\s*;?$/.exec(arg);
        if (!db) refuse(line, `USE ${arg.slice(0, 60)}: expected one database name and nothing else on the line`);
        this.afterUnrestrict(line, 'USE');
        return this.databaseStatement(unquote(db[1]!).replace(/``/g, '`'), line, text);
      }
      refuse(line, `mysql client command ${text.slice(0, 40)}: a restore runs SQL only, never a client command`);
    }
    if (name === 'restrict') return this.restrictCommand(arg, line);
    if (name === 'unrestrict') {
      if (!this.restrict?.open) refuse(line, '\\unrestrict without a \\restrict before it: refused');
      if (arg !== this.restrict.key) refuse(line, `\\unrestrict with a key that does not match \\restrict at line ${this.restrict.line}: refused`);
      this.restrict.open = false;
      this.unrestrictedAt = line;
      this.connectedAfterUnrestrict = false;
      return;
    }
    if (name === 'connect' || name === 'c') {
      if (this.unrestrictedAt !== undefined) this.connectedAfterUnrestrict = true;
      return this.databaseStatement(connectTarget(arg, line), line, text);
    }
    refuse(line, `psql meta-command \\${name.slice(0, 20)}: a restore runs SQL only, never a client command`);
  }

  private restrictCommand(key: string, line: number): void {
    if (!/^[A-Za-z0-9]+$/.test(key)) refuse(line, '\\restrict needs one alphanumeric key');
    if (!this.restrict) {
      this.restrict = { key, open: true, line };
      return;
    }
    if (this.restrict.open || key !== this.restrict.key || !this.connectedAfterUnrestrict) refuse(line, `a second \\restrict that does not follow \\unrestrict and \\connect with the same key (line ${this.restrict.line}): refused`);
    this.restrict.open = true;
    this.restrict.line = line;
    this.unrestrictedAt = undefined;
  }

  /** After \unrestrict only \connect, then \restrict, may come: pg_dump writes nothing else there. */
  private afterUnrestrict(line: number, what: string): void {
    if (this.unrestrictedAt !== undefined) refuse(line, `${what} after \\unrestrict at line ${this.unrestrictedAt}: refused`);
  }
}

/** The database a \connect names: `\connect db`, `\connect "db"` or pg_dump's `\connect -reuse-previous=on "dbname='db'"`. */
function connectTarget(arg: string, line: number): string {
  const words = arg.match(/"(?:[^"]|"")*"|'(?:[^']|'')*'|\S+/g) ?? [];
  const db = words.find((w) => !w.startsWith('-'));
  if (!db || words.length > 2) refuse(line, `\\connect ${arg.slice(0, 60)}: only a database name is accepted`);
  const inner = unquote(db).replace(/""/g, '"');
  const conninfo = /^dbname='((?:[^']|\\')*)'$/.exec(inner);
  if (conninfo) return conninfo[1]!.replace(/\\'/g, "'");
  if (/[=\s]/.test(inner)) refuse(line, `\\connect ${arg.slice(0, 60)}: only a database name is accepted`);
  return inner;
}

/** mysqldump writes each view, trigger and routine with its production DEFINER, which the per-run user may not impersonate. */
const DEFINER = /\bDEFINER\s*=\s*(?:`[^`]*`|'[^']*'|[\w.%-]+)@(?:`[^`]*`|'[^']*'|[\w.%-]+)/i;

function stripDefiner(sql: string, head: string): string {
  if (!/^CREATE\b/i.test(head) || !/DEFINER/i.test(head)) return sql;
  const m = DEFINER.exec(sql);
  return m ? sql.slice(0, m.index) + sql.slice(m.index + m[0].length) : sql;
}
