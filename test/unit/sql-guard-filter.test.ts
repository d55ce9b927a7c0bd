import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { SqlGuardFilter } from '../../src/providers/index.js';

async function filter(dialect: 'mysql' | 'postgres', sql: string | Buffer, chunk = 7) {
  const f = new SqlGuardFilter(dialect);
  const bytes = Buffer.isBuffer(sql) ? sql : Buffer.from(sql);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  const out = await text(Readable.from(parts).pipe(f));
  return { out, report: f.report };
}

describe('the restore guard filter', () => {
  it('drops statements that pick or change another database, at statement starts only', async () => {
    const sql = [
      'DROP DATABASE IF EXISTS `prod`;',
      '/*!40000 DROP DATABASE IF EXISTS `prod`*/;',
      'CREATE DATABASE /*!32312 IF NOT EXISTS*/ `prod` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;',
      'USE `prod`;',
      'use prod',
      'CREATE TABLE t (a text);',
      "INSERT INTO t VALUES ('USE prod;'),('x');",
      "INSERT INTO t VALUES ('multi",
      "USE prod; DROP DATABASE prod;",
      "line');",
      'ALTER DATABASE `prod` CHARACTER SET latin1 ;',
      '',
    ].join('\n');
    const { out, report } = await filter('mysql', sql);
    expect(out).toBe(["CREATE TABLE t (a text);", "INSERT INTO t VALUES ('USE prod;'),('x');", "INSERT INTO t VALUES ('multi", 'USE prod; DROP DATABASE prod;', "line');", ''].join('\n'));
    expect(report.dropped.map((d) => d.line)).toEqual([1, 2, 3, 4, 5, 11]);
  });

  it('drops a multi-line CREATE DATABASE up to its semicolon', async () => {
    const { out } = await filter('mysql', 'CREATE DATABASE x\n  CHARACTER SET utf8mb4;\nCREATE TABLE t (a int);\n');
    expect(out).toBe('CREATE TABLE t (a int);\n');
  });

  it('passes raw binary bytes through unchanged', async () => {
    const bin = Buffer.concat([Buffer.from("INSERT INTO t VALUES ('"), Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3]), Buffer.from("');\n")]);
    const f = new SqlGuardFilter('mysql');
    const chunks: Buffer[] = [];
    for await (const c of Readable.from([bin.subarray(0, 25), bin.subarray(25)]).pipe(f)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(bin)).toBe(true);
  });

  it('removes production DEFINERs from views, triggers and routines', async () => {
    const { out, report } = await filter('mysql', '/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */\nCREATE DEFINER=`app`@`%` PROCEDURE p() SELECT 1;\n');
    expect(out).toBe('/*!50013  SQL SECURITY DEFINER */\nCREATE  PROCEDURE p() SELECT 1;\n');
    expect(report.definersRemoved).toBe(2);
  });

  it('on PostgreSQL, drops \\connect, database statements, ownership and grants, but never COPY data', async () => {
    const sql = [
      'CREATE DATABASE shop WITH TEMPLATE = template0;',
      '\\connect shop',
      'CREATE TABLE public.t (a text);',
      'ALTER TABLE public.t OWNER TO postgres;',
      'COPY public.t (a) FROM stdin;',
      '\\connect other',
      'GRANT ALL ON t TO x;',
      '\\.',
      "CREATE FUNCTION f() RETURNS text AS $$ SELECT 'a;'; $$ LANGUAGE sql;",
      'GRANT SELECT ON public.t TO reader;',
      '',
    ].join('\n');
    const { out } = await filter('postgres', sql);
    expect(out).toBe(['CREATE TABLE public.t (a text);', 'COPY public.t (a) FROM stdin;', '\\connect other', 'GRANT ALL ON t TO x;', '\\.', "CREATE FUNCTION f() RETURNS text AS $$ SELECT 'a;'; $$ LANGUAGE sql;", ''].join('\n'));
  });
});
