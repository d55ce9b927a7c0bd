import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { partialDumpProblems, scanDump } from '../../src/checks/index.js';
import { renderMysqlDump, renderPostgresDump, shopDatabase } from '../../src/demo/index.js';
import type { DatabaseSnapshot } from '../../src/providers/index.js';

const scan = (sql: string) => scanDump(Readable.from([sql]));

describe('psql \\connect is a database, not a schema', () => {
  it.each(['\\c shop', '\\connect shop', '\\connect -reuse-previous=on "shop"'])('%s: unqualified tables keep no schema, the database is recorded', async (connect) => {
    const s = await scan(
      ['--', '-- PostgreSQL database dump', '--', connect, 'CREATE TABLE orders (id int);', 'COPY orders (id) FROM stdin;', '1', '2', '\\.', 'CREATE TABLE public.items (id int);', '--', '-- PostgreSQL database dump complete', '--', ''].join('\n'),
    );
    expect(s.databases).toEqual(['shop']);
    expect(s.tables).toEqual([
      { schema: undefined, name: 'orders', rows: 2 },
      { schema: 'public', name: 'items', rows: 0 },
    ]);
    expect(s.truncated).toBeUndefined();
  });

  it("pg_dump's conninfo form names the database whole, quotes and all", async () => {
    const odd = await scan(`\\connect -reuse-previous=on "dbname='Odd Name'"\nCREATE TABLE public.t (a int);\n`);
    expect(odd.databases).toEqual(['Odd Name']);
    expect(odd.tables).toEqual([{ schema: 'public', name: 't', rows: 0 }]);
    expect((await scan(`\\connect -reuse-previous=on "dbname='it''s'"\n`)).databases).toEqual(["it's"]);
  });

  it('mysql USE still names the schema (in MySQL they are the same thing)', async () => {
    const s = await scan('USE `shop`;\nCREATE TABLE `t` (`a` int);\n');
    expect(s.tables).toEqual([{ schema: 'shop', name: 't', rows: 0 }]);
  });
});

describe('a dump cut short is seen as such', () => {
  const tables = shopDatabase(3);
  const mysql = renderMysqlDump('shop', tables, new Date(0));
  const pg = renderPostgresDump(tables);

  it('whole dumps of both tools are not truncated', async () => {
    expect((await scan(mysql)).truncated).toBeUndefined();
    expect((await scan(pg)).truncated).toBeUndefined();
  });

  it('a mysqldump cut inside an INSERT, or between statements (no "-- Dump completed")', async () => {
    const insertAt = mysql.indexOf('INSERT INTO');
    expect((await scan(mysql.slice(0, insertAt + 40))).truncated).toMatch(/ends inside an INSERT into \w+ \(line \d+\)/);
    const between = mysql.slice(0, mysql.indexOf('UNLOCK TABLES;') + 'UNLOCK TABLES;'.length);
    expect((await scan(between)).truncated).toMatch(/no "-- Dump completed" line: mysqldump did not finish/);
  });

  it('a pg_dump cut inside COPY data, or before its closing line', async () => {
    const copyAt = pg.indexOf('FROM stdin;');
    expect((await scan(pg.slice(0, copyAt + 40))).truncated).toMatch(/ends inside the COPY data of public\.\w+/);
    expect((await scan(pg.slice(0, pg.indexOf('-- PostgreSQL database dump complete')))).truncated).toMatch(/no "-- PostgreSQL database dump complete" line/);
  });

  it('a plain SQL file (no dump tool header) is not expected to carry a closing line', async () => {
    expect((await scan('CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\n')).truncated).toBeUndefined();
  });
});

describe('partialDumpProblems', () => {
  const snap = (names: string[]): DatabaseSnapshot => ({
    engine: 'mysql',
    database: 'shop',
    takenAt: new Date(0),
    tables: names.map((name) => ({ schema: 'shop', name, rows: 1, checksum: '1' })),
    objects: { views: [], routines: [], triggers: [] },
    checksumAlgorithm: 'lifeboat-v1',
  });
  const t = (name: string) => ({ name, rows: 1 });

  it('empty file, no tables, cut short, tables the database has that the dump lacks', () => {
    expect(partialDumpProblems({ size: 0, scan: { tables: [] } })).toEqual(['the dump file is empty (0 bytes)']);
    expect(partialDumpProblems({ size: 10, scan: { tables: [] } }, snap(['a', 'b']))).toEqual(['the dump has no tables; the database has 2']);
    expect(partialDumpProblems({ size: 10, scan: { tables: [t('a')], truncated: 'it ends inside an INSERT into a (line 9)' } })).toEqual(['the dump looks cut short: it ends inside an INSERT into a (line 9)']);
    expect(partialDumpProblems({ size: 10, scan: { tables: [t('a')] } }, snap(['a', 'b', 'c']))).toEqual(["the dump lacks 2 of the database's 3 tables: b, c"]);
  });

  it('a whole dump of every table is fine, whatever the row counts (the database moves on)', () => {
    expect(partialDumpProblems({ size: 10, scan: { tables: [t('a'), t('b')] } }, snap(['a', 'b']))).toEqual([]);
    expect(partialDumpProblems({ size: 10, scan: { tables: [t('a')] } })).toEqual([]);
  });
});
