import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface ScannedTable {
  schema?: string;
  name: string;
  rows: number;
}

export interface DumpScan {
  engine: 'mysql' | 'postgres' | 'unknown';
  format: 'mysqldump' | 'pg_dump' | 'sql';
  databases: string[];
  tables: ScannedTable[];
  objects: { views: string[]; routines: string[]; triggers: string[] };
  /** Why the dump looks cut short (ends inside a statement or COPY block, or lacks its dump tool's closing line); undefined when it looks whole. */
  truncated?: string;
}

/** The closing line each dump tool writes only when it finished (with comments on, which its opening line shows). */
const TRAILER = { mysqldump: /^-- Dump completed\b/, pg_dump: /^-- PostgreSQL database dump complete\b/ } as const;

const IDENT = String.raw`(?:\`[^\`]+\`|"[^"]+"|[\w$]+)`;
const QNAME = String.raw`(${IDENT}(?:\.${IDENT})?)`;
const RE = {
  createTable: new RegExp(String.raw`^CREATE\s+(?:UNLOGGED\s+|TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${QNAME}`, 'i'),
  insert: new RegExp(String.raw`^(?:INSERT|REPLACE)\s+(?:IGNORE\s+)?INTO\s+${QNAME}`, 'i'),
  copy: new RegExp(String.raw`^COPY\s+${QNAME}.*FROM\s+stdin;`, 'i'),
  view: new RegExp(String.raw`\bVIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?${QNAME}\s+(?:\(|AS\b)`, 'i'),
  createView: /^(?:CREATE\b.*|\/\*!\d+\s+(?:CREATE\b.*)?)\bVIEW\b/i,
  trigger: new RegExp(String.raw`\bTRIGGER\s+${QNAME}`, 'i'),
  routine: new RegExp(String.raw`^(?:CREATE|\/\*!\d+\s+CREATE)\b.*?\b(?:PROCEDURE|FUNCTION)\s+${QNAME}\s*\(`, 'i'),
  use: new RegExp(String.raw`^USE\s+${QNAME}\s*;`, 'i'),
  // \connect NAME, \connect "Quoted Name", or pg_dump's \connect -reuse-previous=on "dbname='Odd Name'".
  connect: /^\\(?:connect|c)\s+(?:-reuse-previous=\S+\s+)?(?:"dbname='((?:[^'\\]|''|\\.)*)'"|"([^"]+)"|(\S+))/,
  createDatabase: new RegExp(String.raw`^(?:CREATE\s+DATABASE|\/\*!\d+\s+CREATE\s+DATABASE)\s+(?:\/\*!\d+\s+IF\s+NOT\s+EXISTS\s*\*\/\s*|IF\s+NOT\s+EXISTS\s+)?${QNAME}`, 'i'),
};

const unquote = (s: string) => s.replace(/^[`"]|[`"]$/g, '');

function splitName(q: string, currentDb: string | undefined): { schema?: string; name: string } {
  const parts = q.match(new RegExp(IDENT, 'g'))!.map(unquote);
  return parts.length > 1 ? { schema: parts[0], name: parts[1]! } : { schema: currentDb, name: parts[0]! };
}

/**
 * Counts rows in a VALUES list without a SQL parser: a row is a parenthesis opened at
 * depth 0 outside any quoted string. Knows MySQL backslash escapes and '' doubling.
 */
class TupleCounter {
  private quote: string | null = null;
  private escape = false;
  private depth = 0;
  rows = 0;

  constructor(private readonly backslashEscapes: boolean) {}

  /** Feeds text; returns true once the statement's terminating semicolon has been seen. */
  feed(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.quote !== null) {
        if (this.escape) this.escape = false;
        else if (c === 92 && this.backslashEscapes && this.quote === "'") this.escape = true;
        else if (c === this.quote.charCodeAt(0)) this.quote = null;
        continue;
      }
      if (c === 40) {
        if (this.depth === 0) this.rows++;
        this.depth++;
      } else if (c === 41) this.depth--;
      else if (c === 39 || c === 34 || c === 96) this.quote = text[i]!;
      else if (c === 59 && this.depth === 0) return true;
    }
    return false;
  }
}

/** Reads tables, row counts and schema objects out of a mysqldump or pg_dump plain-text stream. */
export async function scanDump(text: Readable): Promise<DumpScan> {
  const tables = new Map<string, ScannedTable>();
  const objects = { views: new Set<string>(), routines: new Set<string>(), triggers: new Set<string>() };
  const databases = new Set<string>();
  let engine: DumpScan['engine'] = 'unknown';
  let format: DumpScan['format'] = 'sql';
  let currentDb: string | undefined;
  let copyInto: ScannedTable | undefined;
  let inserting: { table: ScannedTable; counter: TupleCounter } | undefined;
  let lineNo = 0;
  let sawTrailer = false;

  const table = (q: string) => {
    const { schema, name } = splitName(q, currentDb);
    const key = `${schema ?? ''}.${name}`;
    let t = tables.get(key);
    if (!t) tables.set(key, (t = { schema, name, rows: 0 }));
    return t;
  };
  const label = (q: string) => {
    const { schema, name } = splitName(q, undefined);
    return schema ? `${schema}.${name}` : name;
  };

  const lines = createInterface({ input: text, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo++;
    if (copyInto) {
      if (line === '\\.') copyInto = undefined;
      else copyInto.rows++;
      continue;
    }
    if (inserting) {
      if (inserting.counter.feed(`${line}\n`)) {
        inserting.table.rows += inserting.counter.rows;
        inserting = undefined;
      }
      continue;
    }
    if (lineNo <= 5) {
      if (/^-- (MySQL|MariaDB) dump/i.test(line)) [engine, format] = ['mysql', 'mysqldump'];
      else if (/^-- PostgreSQL database dump/i.test(line)) [engine, format] = ['postgres', 'pg_dump'];
    }
    if (format !== 'sql' && TRAILER[format].test(line)) sawTrailer = true;
    let m: RegExpExecArray | null;
    if ((m = RE.insert.exec(line))) {
      const t = table(m[1]!);
      const at = line.search(/\bVALUES\b/i);
      const counter = new TupleCounter(engine !== 'postgres');
      if (at < 0) {
        inserting = { table: t, counter };
        continue;
      }
      if (counter.feed(`${line.slice(at + 6)}\n`)) t.rows += counter.rows;
      else inserting = { table: t, counter };
    } else if ((m = RE.copy.exec(line))) copyInto = table(m[1]!);
    else if ((m = RE.createTable.exec(line))) table(m[1]!);
    else if ((m = RE.use.exec(line))) databases.add((currentDb = unquote(m[1]!)));
    // psql's \connect picks a database, not a schema: unqualified names stay on the search path.
    else if ((m = RE.connect.exec(line))) databases.add(m[1] !== undefined ? m[1].replace(/''/g, "'").replace(/\\(.)/g, '$1') : (m[2] ?? m[3])!);
    else if ((m = RE.createDatabase.exec(line))) databases.add(unquote(m[1]!));
    else if (RE.createView.test(line) && (m = RE.view.exec(line))) objects.views.add(label(m[1]!));
    else if (/^(?:CREATE|\/\*!\d+\s+CREATE)\b/i.test(line) && (m = RE.trigger.exec(line))) objects.triggers.add(label(m[1]!));
    else if ((m = RE.routine.exec(line))) objects.routines.add(label(m[1]!));
  }
  // Older mysqldump writes a placeholder table for each view before the view itself.
  for (const [key, t] of tables) if (t.rows === 0 && objects.views.has(t.name)) tables.delete(key);
  const nameOf = (t: ScannedTable) => (t.schema ? `${t.schema}.${t.name}` : t.name);
  const truncated = copyInto
    ? `it ends inside the COPY data of ${nameOf(copyInto)} (line ${lineNo})`
    : inserting
      ? `it ends inside an INSERT into ${nameOf(inserting.table)} (line ${lineNo})`
      : format !== 'sql' && !sawTrailer
        ? `it has no "${format === 'mysqldump' ? '-- Dump completed' : '-- PostgreSQL database dump complete'}" line: ${format} did not finish writing it`
        : undefined;
  return {
    truncated,
    engine,
    format,
    databases: [...databases],
    tables: [...tables.values()],
    objects: { views: [...objects.views].sort(), routines: [...objects.routines].sort(), triggers: [...objects.triggers].sort() },
  };
}
