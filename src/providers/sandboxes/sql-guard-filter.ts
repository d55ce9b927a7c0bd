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
  private carry: Buffer = Buffer.alloc(0);
  private lineNo = 0;
  private readonly sql: SqlLineScanner;
  private inCopy = false;
  private dropping = false;

  constructor(private readonly dialect: Dialect) {
    super();
    this.sql = new SqlLineScanner(dialect);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const lastNl = bytes.lastIndexOf(0x0a);
    if (lastNl < 0) {
      this.carry = bytes;
      return cb();
    }
    this.carry = bytes.subarray(lastNl + 1);
    // latin1 maps every byte to one character: string offsets are byte offsets, raw binary
    // in a dump (mysqldump writes BLOBs as escaped bytes) is untouched, and the keywords
    // and delimiters this filter looks for are all ASCII.
    const text = bytes.toString('latin1', 0, lastNl);
    const out: Buffer[] = [];
    let keptFrom = 0;
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const line = text.slice(start, end);
      const kept = this.line(line);
      if (kept !== line) {
        // Flush the unchanged run before this line as one slice of the input.
        if (start > keptFrom) out.push(bytes.subarray(keptFrom, start));
        if (kept !== undefined) out.push(Buffer.from(`${kept}\n`, 'latin1'));
        keptFrom = end + 1;
      }
      start = end + 1;
    }
    if (lastNl + 1 > keptFrom) out.push(bytes.subarray(keptFrom, lastNl + 1));
    cb(null, out.length === 1 ? out[0] : Buffer.concat(out));
  }

  override _flush(cb: TransformCallback): void {
    const line = this.carry.toString('latin1');
    const kept = line ? this.line(line) : undefined;
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
