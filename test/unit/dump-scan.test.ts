import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { scanDump } from '../../src/checks/index.js';
import { renderMysqlDump, renderPostgresDump, shopDatabase } from '../../src/demo/index.js';

describe('dump scanning', () => {
  it('counts rows in mysqldump extended inserts, quotes and escapes included', async () => {
    const sql = [
      '-- MariaDB dump 10.19',
      'USE `shop`;',
      'CREATE TABLE `t` (`a` text);',
      "INSERT INTO `t` VALUES ('it\\'s (one)'),('two;\\n three'),(NULL);",
      "INSERT INTO `t` (`a`) VALUES ('x'),",
      "('y');",
      'CREATE TABLE `empty` (`id` int);',
      '/*!50001 CREATE ALGORITHM=UNDEFINED */',
      '/*!50001 VIEW `v` AS select 1 AS `x` */;',
      'CREATE DEFINER=`root`@`localhost` PROCEDURE `p`(IN x int)',
      '/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `trg` BEFORE INSERT ON `t` FOR EACH ROW SET NEW.a = NEW.a */;;',
    ].join('\n');
    const scan = await scanDump(Readable.from([sql]));
    expect(scan.engine).toBe('mysql');
    expect(scan.databases).toEqual(['shop']);
    expect(scan.tables).toEqual([
      { schema: 'shop', name: 't', rows: 5 },
      { schema: 'shop', name: 'empty', rows: 0 },
    ]);
    expect(scan.objects).toEqual({ views: ['v'], routines: ['p'], triggers: ['trg'] });
  });

  it('counts COPY rows in pg_dump plain output', async () => {
    const tables = shopDatabase(1);
    const scan = await scanDump(Readable.from([renderPostgresDump(tables)]));
    expect(scan.engine).toBe('postgres');
    expect(scan.tables.map((t) => [t.schema, t.name, t.rows])).toEqual(tables.map((t) => ['public', t.name, t.rows.length]));
  });

  it('agrees with the generator on a mysqldump-shaped file', async () => {
    const tables = shopDatabase(7);
    const scan = await scanDump(Readable.from([renderMysqlDump('shop', tables, new Date(0))]));
    expect(scan.tables.map((t) => t.rows)).toEqual(tables.map((t) => t.rows.length));
  });
});
