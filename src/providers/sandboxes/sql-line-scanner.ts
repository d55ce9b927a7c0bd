import type { Dialect } from './types.js';

/**
 * Tracks, line by line, whether SQL text is inside a quoted string, a block comment, a
 * dollar-quoted body or an unfinished statement, so callers can act at statement starts
 * and ends only. It knows MySQL backslash escapes and executable comments (/*! … *\/).
 */
export class SqlLineScanner {
  quote: string | null = null;
  blockComment = false;
  inStatement = false;

  constructor(private readonly dialect: Dialect) {}

  get atStatementStart(): boolean {
    return !this.inStatement && this.quote === null && !this.blockComment;
  }

  /** Advances over one line; returns true when a statement ended on it (outside quotes). */
  scan(line: string): boolean {
    const backslash = this.dialect === 'mysql';
    let ended = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (this.blockComment) {
        if (c === '*' && line[i + 1] === '/') {
          this.blockComment = false;
          i++;
        }
        continue;
      }
      if (this.quote !== null) {
        if (backslash && c === '\\' && this.quote === "'") i++;
        else if (this.quote.length > 1 ? line.startsWith(this.quote, i) : c === this.quote) {
          i += this.quote.length - 1;
          this.quote = null;
        }
        continue;
      }
      if (c === '-' && line[i + 1] === '-') break;
      if (c === '#' && this.dialect === 'mysql') break;
      if (c === '/' && line[i + 1] === '*' && line[i + 2] !== '!') {
        this.blockComment = true;
        i++;
        continue;
      }
      if (c === "'" || c === '"' || c === '`') {
        this.quote = c;
        this.inStatement = true;
        continue;
      }
      if (c === '$' && this.dialect === 'postgres') {
        const m = /^\$[A-Za-z_]*\$/.exec(line.slice(i));
        if (m) {
          this.quote = m[0];
          this.inStatement = true;
          i += m[0].length - 1;
          continue;
        }
      }
      if (c === ';') {
        this.inStatement = false;
        ended = true;
      } else if (c !== ' ' && c !== '\t' && c !== '\r') this.inStatement = true;
    }
    return ended;
  }
}
