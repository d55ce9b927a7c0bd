import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMysqlDump, shopDatabase } from '../../src/demo/index.js';
import { sandboxNames } from '../../src/providers/index.js';
import { runCli } from '../helpers/cli.js';
import { sandboxLeftovers } from '../helpers/databases.js';
import { drillEstate, estatePrefix, placeDump } from '../helpers/drill-estate.js';
import { ENDLESS_MYSQL_STATEMENT, waitInEndlessRestore } from '../helpers/kill-points.js';
import { removeQueuePrefixes } from '../helpers/queue-prefixes.js';
import { cliProcesses } from '../helpers/spawn.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const tmp = useTmpDirs();
const REDIS = 'redis://127.0.0.1:6379';
const procs = cliProcesses();
const prefixes: string[] = [];
const env = { LB_TEST_EMPTY: '', REDIS_URL: undefined };

afterEach(async () => {
  procs.killAll();
  await removeQueuePrefixes(prefixes.splice(0));
});

/** A shop dump whose restore never ends: the kill lands in the restore step on any machine. */
const endlessDump = () => `${renderMysqlDump('shop', shopDatabase(1, 2), new Date())}\n${ENDLESS_MYSQL_STATEMENT};\n`;

/** Starts the built CLI and SIGKILLs it once its drill's restore is inside the endless statement. */
async function killDuringRestore(dir: string, args: string[], extraEnv: Record<string, string> = {}): Promise<void> {
  const p = procs.launch([...args, '--log-format', 'json'], { cwd: dir, env: { LB_TEST_EMPTY: '', ...extraEnv } });
  await waitInEndlessRestore(dir, () => (p.gone() ? p.stderr() : undefined));
  p.child.kill('SIGKILL');
  await p.exited;
}

interface Run {
  runId: string;
  phase: string;
  lastSeenAt?: string;
  error?: string;
  steps: { name: string; startedAt: string }[];
}
const runsIn = async (dir: string) => Promise.all((await readdir(path.join(dir, 'state/runs'))).map(async (f) => JSON.parse(await readFile(path.join(dir, 'state/runs', f), 'utf8')) as Run));
/** This estate's sandbox databases and users still on the server. */
const leftoversIn = (dir: string) => sandboxLeftovers('maria', estatePrefix(dir));
const ledgerTypes = async (dir: string) =>
  (await readFile(path.join(dir, 'ledger/ledger.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { type: string }).type);

describe('a run killed mid-way does not stay running forever', () => {
  it('embedded: lifeboat sandbox sweep marks it abandoned with when it was last seen, and tears its sandbox down', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await placeDump(dir, 'shop.sql.gz', endlessDump(), { gzip: true, manifest: false });
    await killDuringRestore(dir, ['drill', 'run', 'to-maria']);
    expect((await runsIn(dir))[0]!.phase).toBe('running');

    const swept = await runCli(['sandbox', 'sweep', '--json'], { cwd: dir, env });
    expect(swept.code).toBe(0);
    const out = JSON.parse(swept.stdout) as { abandoned: { runId: string; lastSeenAt: string; lastStep: string }[]; removed: unknown[] };
    const mine = sandboxNames('to-maria', (await runsIn(dir))[0]!.runId, estatePrefix(dir));
    expect(out.abandoned).toEqual([expect.objectContaining({ lastStep: 'restore', lastSeenAt: expect.any(String) })]);
    expect(out.removed).toEqual([expect.objectContaining({ database: mine.database, user: mine.user })]);

    const [run] = await runsIn(dir);
    expect(run!.phase).toBe('abandoned');
    expect(run!.lastSeenAt).toBe(out.abandoned[0]!.lastSeenAt);
    expect(new Date(run!.lastSeenAt!).getTime()).toBeGreaterThanOrEqual(new Date(run!.steps.at(-1)!.startedAt).getTime());
    expect(run!.error).toMatch(/^abandoned: its process \(pid \d+ on .+\) is gone; last seen .+ at step restore$/);
    expect(await ledgerTypes(dir)).toEqual(['drill.started', 'drill.abandoned', 'sandbox.swept']);
    expect(await leftoversIn(dir)).toEqual([]);
    // Nothing left for the next sweep.
    const again = JSON.parse((await runCli(['sandbox', 'sweep', '--json'], { cwd: dir, env })).stdout) as { abandoned: unknown[]; removed: unknown[] };
    expect(again).toMatchObject({ abandoned: [], removed: [] });
  }, 120_000);

  it("distributed: once no worker holds the drill's job, the sweep marks the run abandoned and removes its sandbox", async () => {
    const dir = await tmp();
    await drillEstate(dir);
    await mkdir(path.join(dir, 'schedules'), { recursive: true });
    await writeFile(path.join(dir, 'schedules/drill.yaml'), 'job: drill\ndrill: to-maria\ncron: "0 0 1 1 *"\n');
    await placeDump(dir, 'shop.sql.gz', endlessDump(), { gzip: true, manifest: false });
    const prefix = `lbtest-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    const queue = new Queue('drill', { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    const job = await queue.add('drill', { schedule: 'drill' });
    await queue.close();

    await killDuringRestore(dir, ['worker', '--prefix', prefix, '--stall-timeout', '2s'], { REDIS_URL: REDIS });
    const [before] = await runsIn(dir);
    expect(before).toMatchObject({ phase: 'running' });
    // The dead worker's job lock runs out after its stall timeout (2 s); no other worker exists to requeue the job.
    const redisLock = new Redis(REDIS);
    await waitFor(async () => (await redisLock.exists(`${prefix}:drill:${job.id}:lock`)) === 0, { timeout: 15_000, what: "the dead worker's job lock to expire" }).finally(() => redisLock.quit());

    const swept = await runCli(['sandbox', 'sweep', '--redis', REDIS, '--prefix', prefix, '--json'], { cwd: dir, env });
    expect(swept.code).toBe(0);
    const out = JSON.parse(swept.stdout) as { abandoned: { runId: string; error: string }[]; removed: unknown[] };
    expect(out.abandoned).toEqual([expect.objectContaining({ runId: before!.runId, error: expect.stringMatching(new RegExp(`no worker holds its queue job drill:${job.id}`)) })]);
    const mine = sandboxNames('to-maria', before!.runId, estatePrefix(dir));
    expect(out.removed).toEqual([expect.objectContaining({ database: mine.database, user: mine.user })]);
    const [run] = await runsIn(dir);
    expect(run).toMatchObject({ phase: 'abandoned', lastSeenAt: expect.any(String) });
    expect(await leftoversIn(dir)).toEqual([]);
    // The running-drills live state no longer lists it.
    const redis = new Redis(REDIS);
    expect(await redis.hkeys(`${prefix}:state:drills`)).toEqual([]);
    await redis.quit();
  }, 120_000);
});

describe('a lease every sweep would fail on', () => {
  it('a lease whose sandbox server is unreachable fails one sweep, then is recorded and moved on from', async () => {
    const dir = await tmp();
    await mkdir(path.join(dir, 'region/db'), { recursive: true });
    await mkdir(path.join(dir, 'state/leases'), { recursive: true });
    await writeFile(
      path.join(dir, 'lifeboat.yaml'),
      'version: 1\nledger: { dir: ledger }\nstateDir: state\nstate: { kind: files, singleMachine: true }\nregions:\n  local: { kind: local, path: region }\ncredentials:\n  admin: { kind: database, user: root, password: { env: LB_TEST_EMPTY } }\nsandboxes:\n  down: { kind: mysql, host: 127.0.0.1, port: 1, credentials: admin }\nresources:\n  - { id: db, kind: dump-dir, region: local, path: db }\n',
    );
    const lease = {
      id: 'd-20261122T020000Z-abc123',
      runId: 'd-20261122T020000Z-abc123',
      drill: 'd',
      sandbox: 'down',
      kind: 'mysql',
      database: 'lbdrill_d_20000zabc123',
      user: 'lbrun_20000zabc123',
      createdAt: '2026-11-22T02:00:00.000Z',
      owner: { host: 'gone-host', pid: 1 },
    };
    const leaseFile = path.join(dir, 'state/leases', `${lease.id}.json`);
    await writeFile(leaseFile, JSON.stringify(lease));

    const first = await runCli(['sandbox', 'sweep', '--json'], { cwd: dir, env });
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout)).toMatchObject({ failed: [{ lease: { id: lease.id } }], stuck: [] });

    const second = await runCli(['sandbox', 'sweep', '--json'], { cwd: dir, env });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ failed: [], stuck: [{ lease: { id: lease.id }, attempts: 2 }] });
    expect(JSON.parse(await readFile(leaseFile, 'utf8'))).toMatchObject({ ...lease, teardownFailures: { attempts: 2, firstFailedAt: expect.any(String), lastError: expect.any(String) } });
    const text = await runCli(['sandbox', 'sweep'], { cwd: dir, env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/stuck lbdrill_d_20000zabc123: 3 failed teardowns since .+, last: /);
    expect((await ledgerTypes(dir)).filter((t) => t === 'sandbox.sweep-failed')).toHaveLength(1);
  }, 60_000);
});
