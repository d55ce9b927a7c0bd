import { Transform, type TransformCallback } from 'node:stream';
import { SqlLineScanner } from './sql-line-scanner.js';

import type { Dialect, FilterReport } from './types.js';


/** mysqldump writes each view, trigger and routine with its production DEFINER, which the per-run user may not impersonate. */
const DEFINER = /\bDEFINER\s*=\s*(?:`[^`]*`|'[^']*'|[\w.%-]+)@(?:`[^`]*`|'[^']*'|[\w.%-]+)/gi;
const DEFINER_LINE = /^\s*(?:\/\*!\d+|CREATE\b)/i;

const MYSQL_DROP = [
  /^\s*(?:\/\*!\d+\s*)?(?:CREATE|DROP|ALTER)\s+(?:DATABASE|SCHEMA)\b/i,
  /^\s*USE\s+\S+/i,
  /^\s*\\u\s/,
  /^\s*CONNECT\s+\S+/i,
];
const POSTGRES_DROP = [
  /^\s*\\(?:connect|c)\b/,
  /^\s*(?:CREATE|DROP|ALTER)\s+DATABASE\b/i,
  /^\s*ALTER\s+.*\bOWNER\s+TO\s+/i,
  /^\s*(?:GRANT|REVOKE)\s/i,
  /^\s*COMMENT\s+ON\s+EXTENSION\b/i,
  /^\s*(?:SET|RESET)\s+(?:SESSION\s+AUTHORIZATION|ROLE)\b/i,
];

/**
 * Keeps a restore inside its sandbox database: drops, at statement starts only, the
 * statements that pick, create, drop or alter a database (USE, \connect, CREATE/DROP
 * DATABASE), and on PostgreSQL those that need rights the per-run role rightly lacks
 * (OWNER TO, GRANT). Quotes, comments, dollar-quoted bodies and COPY data are tracked so
 * a value that merely looks like such a statement is never touched. The per-run user's
 * grants are the second wall behind this one.
 */
export class SqlGuardFilter extends Transform {
  readonly report: FilterReport = { dropped: [], definersRemoved: 0 };
  private carry = '';
  private lineNo = 0;
  private readonly sql: SqlLineScanner;
  private inCopy = false;
  private dropping = false;

  constructor(private readonly dialect: Dialect) {
    super();
    this.sql = new SqlLineScanner(dialect);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    // latin1 maps every byte to one character and back: raw binary in a dump (mysqldump
    // writes BLOBs as escaped bytes) passes through unchanged, and the SQL keywords and
    // delimiters this filter looks for are all ASCII.
    const text = this.carry + chunk.toString('latin1');
    const lastNl = text.lastIndexOf('\n');
    if (lastNl < 0) {
      this.carry = text;
      return cb();
    }
    this.carry = text.slice(lastNl + 1);
    const out: string[] = [];
    for (const line of text.slice(0, lastNl).split('\n')) {
      const kept = this.line(line);
      if (kept !== undefined) out.push(kept);
    }
    cb(null, out.length ? Buffer.from(`${out.join('\n')}\n`, 'latin1') : undefined);
  }

  override _flush(cb: TransformCallback): void {
    const kept = this.carry ? this.line(this.carry) : undefined;
    cb(null, kept === undefined ? undefined : Buffer.from(kept, 'latin1'));
  }

  private line(line: string): string | undefined {
    this.lineNo++;
    if (this.inCopy) {
      if (line === '\\.') this.inCopy = false;
      return line;
    }
    if (this.dropping) {
      this.sql.scan(line);
      if (!this.sql.inStatement) this.dropping = false;
      return undefined;
    }
    if (this.sql.atStatementStart) {
      // Client commands (psql's \connect, mysql's \u and USE) end with their line, semicolon or not.
      const metaCommand = line.trimStart().startsWith('\\') || /^\s*USE\s/i.test(line);
      if ((this.dialect === 'mysql' ? MYSQL_DROP : POSTGRES_DROP).some((r) => r.test(line))) {
        this.report.dropped.push({ line: this.lineNo, text: line.slice(0, 200) });
        if (!metaCommand) {
          this.sql.scan(line);
          // A dropped statement that spans lines is dropped up to its semicolon.
          this.dropping = this.sql.inStatement;
        }
        return undefined;
      }
      if (metaCommand || /^\s*DELIMITER\s/i.test(line)) return line;
      if (this.dialect === 'postgres' && /^\s*COPY\s.*\bFROM\s+stdin;\s*$/i.test(line)) {
        this.sql.scan(line);
        this.inCopy = true;
        return line;
      }
    }
    if (this.dialect === 'mysql' && DEFINER_LINE.test(line) && line.includes('DEFINER')) {
      const before = line;
      line = line.replace(DEFINER, '');
      if (line !== before) this.report.definersRemoved++;
    }
    this.sql.scan(line);
    return line;
  }
}
