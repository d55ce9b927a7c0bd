import type { Table } from './shop-data.js';

const mysqlValue = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`);

/** SQL in the shape mysqldump writes by default (extended inserts, one statement per table). */
export function renderMysqlDump(database: string, tables: Table[], completedAt: Date): string {
  const out = [
    '-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)',
    '--',
    `-- Host: localhost    Database: ${database}`,
    '-- ------------------------------------------------------',
    '-- Server version\t8.0.36',
    '',
    '/*!40101 SET NAMES utf8mb4 */;',
    "/*!40103 SET TIME_ZONE='+00:00' */;",
    '',
  ];
  for (const t of tables) {
    const defs = t.columns.map((c) => `  \`${c.name}\` ${c.mysql}`);
    if (t.primaryKey) defs.push(`  PRIMARY KEY (\`${t.primaryKey}\`)`);
    out.push(`DROP TABLE IF EXISTS \`${t.name}\`;`, `CREATE TABLE \`${t.name}\` (`, defs.join(',\n'), ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;', '');
    out.push(`LOCK TABLES \`${t.name}\` WRITE;`);
    for (let i = 0; i < t.rows.length; i += 500) {
      const chunk = t.rows.slice(i, i + 500).map((r) => `(${r.map(mysqlValue).join(',')})`);
      out.push(`INSERT INTO \`${t.name}\` VALUES ${chunk.join(',')};`);
    }
    out.push('UNLOCK TABLES;', '');
  }
  out.push(`-- Dump completed on ${completedAt.toISOString().slice(0, 19).replace('T', ' ')}`, '');
  return out.join('\n');
}

const copyValue = (v: string | number | null) => (v === null ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));

/** SQL in the shape pg_dump writes by default (plain format, COPY blocks). */
export function renderPostgresDump(tables: Table[]): string {
  const out = ['--', '-- PostgreSQL database dump', '--', '', 'SET statement_timeout = 0;', "SET client_encoding = 'UTF8';", 'SET standard_conforming_strings = on;', "SELECT pg_catalog.set_config('search_path', '', false);", ''];
  for (const t of tables) {
    out.push(`CREATE TABLE public.${t.name} (`, t.columns.map((c) => `    ${c.name} ${c.postgres}`).join(',\n'), ');', '');
  }
  for (const t of tables) {
    out.push(`COPY public.${t.name} (${t.columns.map((c) => c.name).join(', ')}) FROM stdin;`);
    for (const r of t.rows) out.push(r.map(copyValue).join('\t'));
    out.push('\\.', '');
  }
  for (const t of tables) {
    if (t.primaryKey) out.push(`ALTER TABLE ONLY public.${t.name}`, `    ADD CONSTRAINT ${t.name}_pkey PRIMARY KEY (${t.primaryKey});`, '');
  }
  out.push('--', '-- PostgreSQL database dump complete', '--', '');
  return out.join('\n');
}
