import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_USER_PRIVILEGES } from '../../src/providers/sandboxes/mysql-rights.js';
import { runCli } from '../helpers/cli.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const ROOT = { host: '127.0.0.1', port: 3306, user: 'root' };
const PASSWORD = 'Pr0be-admin-pw';
const tag = randomBytes(3).toString('hex');
/** Admins that lack one right each, made by root and dropped after. */
const USERS = { noCreate: `lbt_nocreate_${tag}`, noTrigger: `lbt_notrigger_${tag}`, noGrantOption: `lbt_nogrant_${tag}`, complete: `lbt_complete_${tag}` };
const all = (but: string) => RUN_USER_PRIVILEGES.filter((p) => p !== but).join(', ');

beforeAll(async () => {
  const c = await mysql.createConnection(ROOT);
  try {
    for (const u of Object.values(USERS)) await c.query(`CREATE USER '${u}'@'%' IDENTIFIED BY '${PASSWORD}'`);
    // Every right the run user is handed, globally and grantable, and CREATE USER: all but CREATE.
    await c.query(`GRANT CREATE USER, ${all('CREATE')} ON *.* TO '${USERS.noCreate}'@'%' WITH GRANT OPTION`);
    // Everything on the lbdrill_ databases only (as a careful DBA grants it), but TRIGGER.
    await c.query(`GRANT CREATE USER ON *.* TO '${USERS.noTrigger}'@'%'`);
    await c.query(`GRANT ${all('TRIGGER')} ON \`lbdrill\\_%\`.* TO '${USERS.noTrigger}'@'%' WITH GRANT OPTION`);
    // Every right, but none it may hand on.
    await c.query(`GRANT CREATE USER, ${RUN_USER_PRIVILEGES.join(', ')} ON *.* TO '${USERS.noGrantOption}'@'%'`);
    await c.query(`GRANT CREATE USER ON *.* TO '${USERS.complete}'@'%'`);
    await c.query(`GRANT ${RUN_USER_PRIVILEGES.join(', ')} ON \`lbdrill\\_%\`.* TO '${USERS.complete}'@'%' WITH GRANT OPTION`);
  } finally {
    await c.end();
  }
});

afterAll(async () => {
  const c = await mysql.createConnection(ROOT);
  for (const u of Object.values(USERS)) await c.query(`DROP USER IF EXISTS '${u}'@'%'`);
  await c.end();
});

/** An estate whose mysql sandbox's admin is `user`, one drill into it, and a small mysqldump to restore. */
async function estateFor(user: string) {
  const dir = await tmp();
  await mkdir(path.join(dir, 'region/db'), { recursive: true });
  await mkdir(path.join(dir, 'drills'), { recursive: true });
  await writeFile(
    path.join(dir, 'lifeboat.yaml'),
    `version: 1\nledger: { dir: ledger }\nstateDir: state\nregions:\n  local: { kind: local, path: region }\ncredentials:\n  admin: { kind: database, user: ${user}, password: { env: LB_PROBE_ADMIN_PW } }\nsandboxes:\n  maria: { kind: mysql, host: 127.0.0.1, port: 3306, credentials: admin }\nresources:\n  - { id: db, kind: dump-dir, region: local, path: db, rpo: 1000d }\n`,
  );
  await writeFile(path.join(dir, 'drills/to-maria.yaml'), 'resource: db\nsandbox: maria\n');
  await writeFile(path.join(dir, 'region/db/shop.sql'), '-- MySQL dump 10.13  Distrib 10.11.6-MariaDB\nCREATE TABLE `t` (`id` int NOT NULL);\nINSERT INTO `t` VALUES (1),(2);\n');
  return dir;
}

async function dryRun(user: string) {
  const dir = await estateFor(user);
  const r = await runCli(['drill', 'run', 'to-maria', '--dry-run', '--json'], { cwd: dir, env: { LB_PROBE_ADMIN_PW: PASSWORD } });
  const out = JSON.parse(r.stdout) as { ready: boolean; checks: { name: string; ok: boolean; detail: string }[] };
  return { code: r.code, ready: out.ready, sandbox: out.checks.find((c) => c.name === 'sandbox')! };
}

const lacks = (user: string, what: string) => `user ${user} on 127.0.0.1:3306 lacks ${what}: needed to create each run's database and user`;

describe('the MySQL sandbox rights probe (drill run --dry-run)', () => {
  it('names CREATE for an admin that has CREATE USER and every other right but not CREATE', async () => {
    const r = await dryRun(USERS.noCreate);
    expect(r).toEqual({ code: 1, ready: false, sandbox: { name: 'sandbox', ok: false, detail: lacks(USERS.noCreate, 'CREATE') } });
    // The probe is right: this admin cannot create a run's database.
    const c = await mysql.createConnection({ ...ROOT, user: USERS.noCreate, password: PASSWORD });
    await expect(c.query(`CREATE DATABASE \`lbdrill_probe_${tag}\``)).rejects.toThrow(/Access denied/);
    await c.end();
  });

  it('names TRIGGER for an admin granted everything else on the lbdrill_ databases', async () => {
    expect(await dryRun(USERS.noTrigger)).toEqual({ code: 1, ready: false, sandbox: { name: 'sandbox', ok: false, detail: lacks(USERS.noTrigger, 'TRIGGER') } });
  });

  it('names each right the admin holds but may not hand on (GRANT OPTION)', async () => {
    const r = await dryRun(USERS.noGrantOption);
    expect(r.sandbox.detail).toBe(lacks(USERS.noGrantOption, RUN_USER_PRIVILEGES.map((p) => `${p} WITH GRANT OPTION`).join(', ')));
  });

  it('passes an admin with exactly the rights it needs', async () => {
    const r = await dryRun(USERS.complete);
    expect(r.sandbox).toEqual({ name: 'sandbox', ok: true, detail: 'maria (mysql) reachable with the rights to create a database and a user' });
    expect(r).toMatchObject({ code: 0, ready: true });
  });
});
