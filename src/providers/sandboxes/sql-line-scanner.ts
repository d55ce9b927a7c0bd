import type { Dialect } from './types.js';

const SPECIAL = {
  mysql: /['"`;#]|--|\/\*(?!!)/g,
  postgres: /['"`;]|--|\/\*|\$[A-Za-z_]*\$/g,
};
const NON_SPACE = /[^ \t\r]/g;

/**
 * Tracks, line by line, whether SQL text is inside a quoted string, a block comment, a
 * dollar-quoted body or an unfinished statement, so callers can act at statement starts
 * and ends only. It knows MySQL backslash escapes and executable comments (/*! … *\/).
 * It jumps from one special character to the next with native searches: restores stream
 * hundreds of megabytes through it.
 */
export class SqlLineScanner {
  quote: string | null = null;
  blockComment = false;
  inStatement = false;
  private readonly special: RegExp;

  constructor(private readonly dialect: Dialect) {
    this.special = new RegExp(SPECIAL[dialect].source, 'g');
  }

  get atStatementStart(): boolean {
    return !this.inStatement && this.quote === null && !this.blockComment;
  }

  /** Advances over one line; returns true when a statement ended on it (outside quotes). */
  scan(line: string): boolean {
    let ended = false;
    let i = 0;
    while (i < line.length) {
      if (this.blockComment) {
        const end = line.indexOf('*/', i);
        if (end < 0) return ended;
        this.blockComment = false;
        i = end + 2;
        continue;
      }
      if (this.quote !== null) {
        const end = this.closingQuote(line, i);
        if (end < 0) return ended;
        i = end + this.quote.length;
        this.quote = null;
        continue;
      }
      this.special.lastIndex = i;
      const m = this.special.exec(line);
      const stop = m ? m.index : line.length;
      if (!this.inStatement) {
        NON_SPACE.lastIndex = i;
        const ns = NON_SPACE.exec(line);
        if (ns && ns.index < stop) this.inStatement = true;
      }
      if (!m) return ended;
      const tok = m[0];
      if (tok === ';') {
        this.inStatement = false;
        ended = true;
        i = stop + 1;
      } else if (tok === '--' || tok === '#') {
        return ended;
      } else if (tok === '/*') {
        this.blockComment = true;
        i = stop + 2;
      } else {
        this.quote = tok;
        this.inStatement = true;
        i = stop + tok.length;
      }
    }
    return ended;
  }

  /** Index of the quote that closes the current one at or after `from`, or -1 if the line ends first. */
  private closingQuote(line: string, from: number): number {
    const q = this.quote!;
    if (q.length > 1 || !(this.dialect === 'mysql' && (q === "'" || q === '"'))) return line.indexOf(q, from);
    // MySQL strings: a backslash escapes the next character.
    let i = from;
    for (;;) {
      const close = line.indexOf(q, i);
      if (close < 0) return -1;
      const slash = line.indexOf('\\', i);
      if (slash < 0 || slash > close) return close;
      i = slash + 2;
    }
  }
}
