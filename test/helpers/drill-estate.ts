import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { manifestFromFile, mergeSnapshot } from '../../src/checks/index.js';
import { loadConfig } from '../../src/config/index.js';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import { createRuntime } from '../../src/main/runtime.js';
import { createDatabaseReader, parseDsn } from '../../src/providers/index.js';

export const run = promisify(execFile);

/**
 * The namePrefix drillEstate gives an estate in `dir`: its sandboxes are lbdrill_<it>_… and
 * lbrun_<it>_…, so a test checks for leftovers with sandboxLeftovers(server, estatePrefix(dir))
 * and never sees another test's or another run's sandboxes on the shared servers.
 */
export const estatePrefix = (dir: string) => `t${createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 7)}`;

/** An estate with one dump-dir resource `db` and three sandboxes (mysql, postgres, pglite) on this machine's servers, named with estatePrefix(dir). */
export async function drillEstate(dir: string, opts: { drillYaml?: string; sourceYaml?: string; sandboxHost?: string } = {}) {
  await mkdir(path.join(dir, 'region', 'db'), { recursive: true });
  await mkdir(path.join(dir, 'drills'), { recursive: true });
  const host = opts.sandboxHost ?? '127.0.0.1';
  const prefix = estatePrefix(dir);
  await writeFile(
    path.join(dir, 'lifeboat.yaml'),
    `version: 1
ledger: { dir: ledger }
stateDir: state
# The distributed tests run every worker on this machine.
state: { kind: files, singleMachine: true }
defaults: { rpo: 1000d, rto: 1h }
regions:
  local: { kind: local, path: region }
credentials:
  maria-admin: { kind: database, user: root, password: { env: LB_TEST_EMPTY } }
  pg-admin: { kind: database, user: postgres, password: { env: LB_TEST_EMPTY } }
sandboxes:
  maria: { kind: mysql, host: ${host}, port: 3306, credentials: maria-admin, namePrefix: ${prefix} }
  pg: { kind: postgres, host: ${host}, port: 5432, credentials: pg-admin, namePrefix: ${prefix} }
  lite: { kind: pglite, namePrefix: ${prefix} }
resources:
  - id: db
    kind: dump-dir
    region: local
    path: db
${opts.sourceYaml ?? ''}`,
  );
  for (const sb of ['maria', 'pg', 'lite']) {
    await writeFile(path.join(dir, 'drills', `to-${sb}.yaml`), `resource: db\nsandbox: ${sb}\n${opts.drillYaml ?? ''}`);
  }
  return path.join(dir, 'lifeboat.yaml');
}

export async function drillRuntime(estateFile: string, now = new Date()) {
  const config = await loadConfig(estateFile);
  const rt = await createRuntime(config, { clock: fixedClock(now), logger: silentLogger, env: { ...process.env, LB_TEST_EMPTY: '' } });
  return { config, rt };
}

/** Writes a dump into the resource folder with a manifest: rows from the dump, checksums from the live database. */
export async function placeDump(dir: string, name: string, sql: string | Buffer, opts: { dsn?: string; gzip?: boolean; manifest?: boolean; at?: Date } = {}) {
  const file = path.join(dir, 'region', 'db', name);
  await writeFile(file, opts.gzip ? gzipSync(sql) : sql);
  if (opts.manifest !== false) {
    let m = await manifestFromFile(file, { version: 'test', now: new Date(), at: opts.at ?? new Date() });
    if (opts.dsn) m = mergeSnapshot(m, await createDatabaseReader(parseDsn(opts.dsn)).snapshot()).manifest;
    await writeFile(`${file}.manifest.json`, JSON.stringify(m));
  }
  return file;
}
