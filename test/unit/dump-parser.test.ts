import { describe, expect, it } from 'vitest';
import { DumpParser, type DumpItem } from '../../src/providers/index.js';

/** Parses a dump fed in chunks of `chunk` bytes; returns what would be sent, as text. */
function parse(dialect: 'mysql' | 'postgres', sql: string | Buffer, chunk = 7) {
  const p = new DumpParser(dialect);
  const bytes = Buffer.isBuffer(sql) ? sql : Buffer.from(sql, 'latin1');
  const items: DumpItem[] = [];
  for (let i = 0; i < bytes.length; i += chunk) items.push(...p.push(bytes.subarray(i, i + chunk)));
  items.push(...p.end());
  const sent: string[] = [];
  for (const it of items) {
    if (it.kind === 'sql') sent.push(it.sql);
    else if (it.kind === 'copy') sent.push(`COPY> ${it.sql}`);
    else if (it.kind === 'copy-data') {
      const last = sent[sent.length - 1]!;
      if (last.startsWith('DATA> ')) sent[sent.length - 1] = last + it.data.toString('latin1');
      else sent.push(`DATA> ${it.data.toString('latin1')}`);
    } else sent.push('COPY END');
  }
  return { sent, report: p.report };
}

const refusal = (dialect: 'mysql' | 'postgres', sql: string) => {
  try {
    parse(dialect, sql, 5);
  } catch (err) {
    return (err as Error).message;
  }
  return 'not refused';
};

describe('the dump parser: statements, never client commands', () => {
  it('splits MySQL statements at delimiters outside quotes, comments and escaped quotes, with DELIMITER', () => {
    const sql = [
      '/*M!999999\\- enable the sandbox mode */ ',
      '-- MariaDB dump',
      '/*!40101 SET NAMES utf8mb4 */;',
      "INSERT INTO t VALUES ('it\\'s; \\\\', \"a;b\"), ('-- no', '# no');",
      'INSERT INTO t VALUES',
      "('multi",
      "line; still');",
      'DELIMITER ;;',
      'CREATE DEFINER=`root`@`localhost` PROCEDURE p() BEGIN SELECT 1; SELECT 2; END ;;',
      'DELIMITER ;',
      'SELECT 1; SELECT 2;',
      '',
    ].join('\n');
    const { sent } = parse('mysql', sql);
    expect(sent).toEqual([
      '/*!40101 SET NAMES utf8mb4 */',
      "INSERT INTO t VALUES ('it\\'s; \\\\', \"a;b\"), ('-- no', '# no')",
      "INSERT INTO t VALUES\n('multi\nline; still')",
      'CREATE  PROCEDURE p() BEGIN SELECT 1; SELECT 2; END ',
      'SELECT 1',
      'SELECT 2',
    ]);
  });

  it('keeps a statement hidden in a string with an escaped quote inside that string, as the server reads it', () => {
    const { sent } = parse('mysql', "INSERT INTO t VALUES ('a\\'); \\! touch /tmp/x; -- ');\n");
    expect(sent).toEqual(["INSERT INTO t VALUES ('a\\'); \\! touch /tmp/x; -- ')"]);
  });

  it('passes raw bytes through unchanged', () => {
    const bin = Buffer.concat([Buffer.from("INSERT INTO t VALUES ('"), Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x5c, 0x27]), Buffer.from("');\n")]);
    const { sent } = parse('mysql', bin, 3);
    expect(Buffer.from(sent[0]!, 'latin1').equals(bin.subarray(0, bin.length - 2))).toBe(true);
  });

  it.each([
    ['\\! touch /tmp/x', /line 2: mysql client command \\! touch/],
    ['system touch /tmp/x', /line 2: mysql client command system/],
    ['  source /etc/passwd', /line 2: mysql client command source/],
    ['tee /tmp/out', /line 2: mysql client command tee/],
    ['SELECT 1; \\! touch /tmp/x', /line 2: mysql client command \\!/],
    ['SELECT 1 \\g', /line 2: a client command \(\\g\W*\) inside a statement/],
  ])('refuses mysql client commands with their line: %s', (attack, expected) => {
    expect(refusal('mysql', `CREATE TABLE t (a text);\n${attack}\n`)).toMatch(expected);
  });

  it('splits PostgreSQL statements with dollar quotes and E strings, and passes COPY data raw', () => {
    const sql = [
      '\\restrict abc123',
      'SET standard_conforming_strings = on;',
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; \\! not a command $body$ LANGUAGE sql;',
      "INSERT INTO t VALUES (E'it\\'s; \\\\', 'plain\\'); SELECT 2;",
      'COPY public.t (a, b) FROM stdin;',
      '1\t\\! not a command either',
      '\\.',
      '\\unrestrict abc123',
      '',
    ].join('\n');
    const { sent, report } = parse('postgres', sql);
    expect(sent).toEqual([
      'SET standard_conforming_strings = on',
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; \\! not a command $body$ LANGUAGE sql',
      "INSERT INTO t VALUES (E'it\\'s; \\\\', 'plain\\')",
      'SELECT 2',
      'COPY> COPY public.t (a, b) FROM stdin',
      'DATA> 1\t\\! not a command either\n',
      'COPY END',
    ]);
    expect(report.statements).toBe(5);
  });

  it.each([
    ['\\! touch /tmp/x', /line 3: psql meta-command \\!/],
    ['   \\o /tmp/out', /line 3: psql meta-command \\o/],
    ['SELECT 1; \\! touch /tmp/x', /line 3: psql meta-command \\!/],
    ['SELECT 1 \\g /tmp/out', /line 3: a client command \(\\g \/tmp\/out\W*\) inside a statement/],
    ['\\copy t TO /tmp/out', /line 3: psql meta-command \\copy/],
    ["\\copy t FROM PROGRAM 'id'", /line 3: psql meta-command \\copy/],
    ['\\set x `cat /etc/passwd`', /line 3: psql meta-command \\set/],
    ['\\i /etc/passwd', /line 3: psql meta-command \\i/],
    ['\\ir x.sql', /line 3: psql meta-command \\ir/],
    ['\\w /tmp/out', /line 3: psql meta-command \\w/],
    ["COPY t FROM PROGRAM 'touch /tmp/x';", /line 3: COPY may only read FROM stdin/],
    ["COPY t FROM '/etc/passwd';", /line 3: COPY may only read FROM stdin/],
    ['COPY t TO STDOUT;', /line 3: COPY may only read FROM stdin/],
    ['\\unrestrict wrongkey', /line 3: \\unrestrict with a key that does not match \\restrict at line 1/],
    ['\\unrestrict abc123\n\\! touch /tmp/x', /line 4: psql meta-command \\!|line 4: .* after \\unrestrict at line 3/],
    ['\\unrestrict abc123\nSELECT 1;', /line 4: a statement after \\unrestrict at line 3/],
    ['\\c other_db', /line 3: a statement naming database other_db after the dump's first table/],
    ['CREATE DATABASE other_db;', /line 3: a statement naming database other_db after/],
    ["SELECT 'a'; \\! touch /tmp/x", /line 3: psql meta-command \\!/],
    ['COPY t FROM stdin; SELECT 1;', /line 3: text after COPY/],
  ])('refuses psql meta-commands and foreign reads with their line: %s', (attack, expected) => {
    expect(refusal('postgres', `\\restrict abc123\nCREATE TABLE t (a text);\n${attack}\n`)).toMatch(expected);
  });

  it("takes pg_dump -C's own database, \\unrestrict, \\connect and \\restrict, and refuses a second database", () => {
    const head = [
      '\\restrict K1',
      "SET client_encoding = 'UTF8';",
      'CREATE DATABASE shop WITH TEMPLATE = template0;',
      'ALTER DATABASE shop OWNER TO postgres;',
      '\\unrestrict K1',
      '\\connect shop',
      '\\restrict K1',
      'CREATE TABLE t (a int);',
      'ALTER TABLE t OWNER TO app;',
    ];
    const { sent, report } = parse('postgres', [...head, '\\unrestrict K1', ''].join('\n'));
    expect(sent).toEqual(['CREATE TABLE t (a int)']);
    expect(report.database).toBe('shop');
    expect(report.skipped.map((s) => `${s.line}:${s.reason}`)).toEqual(['2:encoding', '3:own-database', '4:own-database', '6:own-database', '9:ownership']);
    expect(refusal('postgres', [...head, '\\connect other', ''].join('\n'))).toMatch(/line 10: a statement naming database other, but this dump restores shop only/);
    expect(refusal('postgres', [...head, ''].join('\n'))).toMatch(/ends before the \\unrestrict that closes \\restrict \(line 7\)/);
  });

  it("takes mysqldump --databases' own database and refuses any other", () => {
    const head = ['/*!40000 DROP DATABASE IF EXISTS `shop`*/;', 'CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;', 'USE `shop`;', 'CREATE TABLE t (a int);', 'USE `shop`;'];
    const { sent, report } = parse('mysql', [...head, ''].join('\n'));
    expect(sent).toEqual(['CREATE TABLE t (a int)']);
    expect(report.skipped.map((s) => s.line)).toEqual([1, 2, 3, 5]);
    expect(refusal('mysql', [...head, 'USE mysql;', ''].join('\n'))).toMatch(/line 6: a statement naming database mysql, but this dump restores shop only/);
    expect(refusal('mysql', 'CREATE TABLE t (a int);\nCREATE DATABASE evil;\n')).toMatch(/line 2: a statement naming database evil after the dump's first table/);
  });

  it('refuses a dump that ends inside a statement or a COPY block, and an over-long statement', () => {
    expect(refusal('mysql', "INSERT INTO t VALUES ('a'")).toMatch(/ends inside a statement \(line 1\): truncated\?/);
    expect(refusal('postgres', 'COPY t (a) FROM stdin;\n1\n2\n')).toMatch(/ends inside a COPY block/);
    const p = new DumpParser('mysql', { maxStatementBytes: 1000 });
    expect(() => {
      p.push(Buffer.from(`INSERT INTO t VALUES ('${'x'.repeat(2000)}');\n`));
    }).toThrow(/line 1: a statement longer than 1000 bytes/);
  });

  it('refuses the spellings of another database a regex on raw text would miss', () => {
    for (const attack of ['CREATE OR REPLACE DATABASE evil;', 'CREATE -- c\nDATABASE evil;', 'CREATE # c\nDATABASE evil;', `CREATE${' '.repeat(5000)}DATABASE evil;`, 'CREATE /* x */ SCHEMA evil;']) {
      expect(refusal('mysql', `CREATE TABLE t (a int);\n${attack}\n`)).toMatch(/line 2: a statement naming database evil after the dump's first table/);
    }
  });

  it('reads a COPY head as the server does: a comment-like run inside a quoted name is a name', () => {
    expect(refusal('postgres', 'COPY "/*" TO \'/tmp/x\' --*/" FROM stdin\n;\n')).toMatch(/line 1: COPY may only read FROM stdin/);
  });

  it('stays linear on a long statement over many short lines, and on a long client command', () => {
    const started = Date.now();
    const { sent } = parse('postgres', `SELECT\n${'x\n'.repeat(256_000)};\n`, 1 << 20);
    expect(sent).toHaveLength(1);
    // Quadratic scanning took 116 s here; linear takes well under a second.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(refusal('postgres', `\\! a${' '.repeat(40_000)}b\n`)).toMatch(/line 1: a client command line longer than 4096 characters/);
  });

  it('keeps the report bounded: a million skipped statements are counted, the first hundred listed', () => {
    const { report } = parse('mysql', `USE shop;\nCREATE TABLE t (a int);\n${'USE shop;\n'.repeat(20_000)}`, 1 << 16);
    expect(report.skipped).toHaveLength(100);
    expect(report.skippedByReason).toEqual({ 'own-database': 20_001 });
  });

  it('nests PostgreSQL block comments as the server does', () => {
    const { sent } = parse('postgres', '/* outer /* inner */ still a comment; \\! not a command */ SELECT 1;\n');
    expect(sent).toEqual(['SELECT 1']);
  });
});
