import type { Dialect } from './restore-types.js';
import { refuse } from './restore-errors.js';
import { isMysqlExecutableComment } from './statement-rules.js';

/** What the splitter hands on: whole statements, and client commands at statement starts. */
export interface SplitterEvents {
  /** A complete statement, without its delimiter, as latin1 text (one character per byte); `line` is where it starts. */
  statement(sql: string, line: number): void;
  /** A client command (a line starting with a backslash, or mysql's DELIMITER) at a statement start. */
  command(text: string, line: number): void;
}

/** The first characters of everything that changes the splitter's state; the rest of a token is checked by hand. */
const SPECIAL_CHARS = { mysql: `'"\`#\\-/`, postgres: `'"\\-/$` };
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const NON_SPACE = /[^ \t\r\f\v]/g;
/** Words the mysql client takes as its own commands at a statement start, ending with their line (DELIMITER, USE, and those that run on the host or change what runs). */
const MYSQL_CLIENT_WORD = /^(?:delimiter|use|system|source|tee|notee|pager|nopager|connect|charset|warnings|nowarning|rehash|prompt|print|go|ego|status|help|exit|quit|edit|resetconnection|query_attributes|ssl_session_data_print)(?=\s|;|$)/i;
const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

/**
 * Splits dump text into statements the way the server will read them: quotes (with
 * MySQL's backslash escapes, PostgreSQL's E'' strings and dollar quotes), comments,
 * MySQL executable comments and DELIMITER are tracked so a delimiter inside a value
 * never ends a statement. It never interprets client commands: a backslash outside a
 * quote is handed to `command` at a statement start and refused anywhere else, since
 * psql and mysql would run it on the host. Works on latin1 text, so string offsets are
 * byte offsets and every byte reaches the server unchanged.
 */
export class SqlSplitter {
  /** PostgreSQL: whether '' strings take backslash escapes (standard_conforming_strings off). */
  backslashStrings = false;
  private quote: string | null = null;
  private blockComment = 0;
  private parts: string[] = [];
  private size = 0;
  private startLine = 0;
  private delimiter = ';';
  private special: RegExp;
  private slashText = '';
  private slashFrom = 0;
  private slashAt = -1;

  constructor(
    private readonly dialect: Dialect,
    private readonly events: SplitterEvents,
    private readonly maxStatementBytes: number,
  ) {
    this.special = this.specialFor(';');
  }

  /** Inside a statement, a quote or a comment: the dump cannot end here. */
  get pending(): { line: number } | undefined {
    return this.size > 0 || this.quote !== null || this.blockComment > 0 ? { line: this.startLine } : undefined;
  }

  setDelimiter(d: string): void {
    this.delimiter = d;
    this.special = this.specialFor(d);
  }

  /** Scans text[from, to) as line `lineNo` (to is the newline's offset or the end of input). */
  line(whole: string, from: number, to: number, lineNo: number): void {
    // Every search below stays inside this one line: searching the rest of a large read
    // for each of many short lines would be quadratic.
    const text = whole.slice(from, to);
    const newline = to < whole.length;
    const end = text.length;
    let i = 0;
    let seg = this.size > 0 ? 0 : -1;
    while (i < end) {
      if (this.blockComment > 0) {
        const close = text.indexOf('*/', i);
        // PostgreSQL nests block comments; MySQL ends one at the first */.
        const open = this.dialect === 'postgres' ? text.indexOf('/*', i) : -1;
        if (open >= 0 && (close < 0 || open < close)) {
          this.blockComment++;
          i = open + 2;
          continue;
        }
        if (close < 0) break;
        this.blockComment--;
        i = close + 2;
        continue;
      }
      if (this.quote !== null) {
        const close = this.closingQuote(text, i, end);
        if (close < 0) break;
        i = close + (this.quote.startsWith('$') ? this.quote.length : 1);
        this.quote = null;
        continue;
      }
      if (seg < 0) {
        NON_SPACE.lastIndex = i;
        const ns = NON_SPACE.exec(text);
        if (!ns || ns.index >= end) break;
        i = ns.index;
        if (this.isLineComment(text, i, end)) break;
        if (text.startsWith('/*', i) && !this.isExecutableComment(text, i)) {
          this.blockComment = 1;
          i += 2;
          continue;
        }
        if (text[i] === '\\' || (this.dialect === 'mysql' && MYSQL_CLIENT_WORD.test(text.slice(i, Math.min(end, i + 24))))) {
          this.events.command(text.slice(i, end), lineNo);
          return;
        }
        seg = i;
        this.startLine = lineNo;
      }
      this.special.lastIndex = i;
      const m = this.special.exec(text);
      if (!m || m.index >= end) break;
      const at = m.index;
      const tok = this.token(text, at);
      if (tok === undefined) {
        i = at + 1;
        continue;
      }
      if (tok === this.delimiter[0] && text.startsWith(this.delimiter, at)) {
        this.add(text, seg, at);
        this.emit();
        i = at + this.delimiter.length;
        seg = -1;
      } else if (tok === '\\') {
        refuse(lineNo, `a client command (${text.slice(at, at + 12).trim()}…) inside a statement: mysql and psql would run it on the host, so the dump is refused`);
      } else if (tok === '#' || (tok === '--' && this.isLineComment(text, at, end))) {
        break;
      } else if (tok === '/*') {
        if (this.isExecutableComment(text, at)) i = at + 3;
        else {
          this.blockComment = 1;
          i = at + 2;
        }
      } else if (tok === '--') {
        i = at + 2;
      } else if (tok === "'" && this.dialect === 'postgres' && (this.backslashStrings || this.isEString(text, at))) {
        this.quote = "E'";
        i = at + 1;
      } else if (tok.length > 1 && tok.startsWith('$') && at > 0 && IDENT_CHAR.test(text[at - 1]!)) {
        // A $ inside an identifier (foo$bar$) does not open a dollar quote.
        i = at + 1;
      } else if (tok === this.delimiter[0]) {
        i = at + 1;
      } else {
        this.quote = tok;
        i = at + tok.length;
      }
    }
    if (seg >= 0 || this.size > 0) {
      this.add(text, seg < 0 ? 0 : seg, end);
      if (newline) this.add('\n', 0, 1);
    }
  }

  private add(text: string, from: number, to: number): void {
    if (to <= from) return;
    // Slices of a one-byte string share its memory: a statement within one read costs no copy.
    this.parts.push(text.slice(from, to));
    this.size += to - from;
    if (this.size > this.maxStatementBytes) refuse(this.startLine, `a statement longer than ${this.maxStatementBytes} bytes: refused: a restore holds one statement in memory at a time`);
  }

  private emit(): void {
    const sql = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.events.statement(sql, this.startLine);
  }

  private isLineComment(text: string, i: number, end: number): boolean {
    if (this.dialect === 'mysql' && text[i] === '#') return true;
    if (!text.startsWith('--', i)) return false;
    // MySQL needs whitespace (or the line's end) after --; PostgreSQL does not.
    return this.dialect === 'postgres' || i + 2 >= end || /\s/.test(text[i + 2]!);
  }

  private isExecutableComment(text: string, i: number): boolean {
    return this.dialect === 'mysql' && isMysqlExecutableComment(text, i);
  }

  private isEString(text: string, at: number): boolean {
    const prev = text[at - 1];
    return (prev === 'E' || prev === 'e') && (at < 2 || !IDENT_CHAR.test(text[at - 2]!));
  }

  /** Offset of the quote that closes the current one at or after `from`, or -1 if the line ends first. */
  private closingQuote(text: string, from: number, end: number): number {
    const q = this.quote!;
    if (q.startsWith('$')) {
      const close = text.indexOf(q, from);
      return close < end ? close : -1;
    }
    const ch = q === "E'" ? "'" : q;
    const escapes = q === "E'" || (this.dialect === 'mysql' && q !== '`');
    let i = from;
    for (;;) {
      const close = text.indexOf(ch, i);
      if (close < 0 || close >= end) return -1;
      if (!escapes) return close;
      const slash = this.backslashAtOrAfter(text, i);
      if (slash < 0 || slash > close) return close;
      i = slash + 2;
    }
  }

  /** The next backslash, remembered: searching afresh for every string of a long line would be quadratic. */
  private backslashAtOrAfter(text: string, from: number): number {
    const known = this.slashText === text && this.slashFrom <= from && (this.slashAt < 0 || this.slashAt >= from);
    if (!known) {
      this.slashText = text;
      this.slashFrom = from;
      this.slashAt = text.indexOf('\\', from);
    }
    return this.slashAt;
  }

  private specialFor(delimiter: string): RegExp {
    const chars = SPECIAL_CHARS[this.dialect] + delimiter[0]!;
    return new RegExp(`[${chars.replace(/[\]\\^-]/g, '\\$&')}]`, 'g');
  }

  /** The token starting at `at` (a special character was found there), or undefined when it is only an ordinary character. */
  private token(text: string, at: number): string | undefined {
    const c = text[at]!;
    if (c === '-') return text[at + 1] === '-' ? '--' : c === this.delimiter[0] ? c : undefined;
    if (c === '/') return text[at + 1] === '*' ? '/*' : c === this.delimiter[0] ? c : undefined;
    if (c === '$' && this.dialect === 'postgres') {
      DOLLAR_TAG.lastIndex = at;
      const m = DOLLAR_TAG.exec(text);
      return m ? m[0] : c === this.delimiter[0] ? c : undefined;
    }
    return c;
  }
}
