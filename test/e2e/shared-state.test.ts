import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { manifestFromFile } from '../../src/checks/index.js';
import { renderPostgresDump, shopDatabase } from '../../src/demo/index.js';
import { silentLogger } from '../../src/domain/index.js';
import { createRedisBus, type LifeboatEvent } from '../../src/events/index.js';
import { runCli } from '../helpers/cli.js';
import { removeQueuePrefixes } from '../helpers/queue-prefixes.js';
import { cliProcesses } from '../helpers/spawn.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const tmp = useTmpDirs();
const procs = cliProcesses();
const REDIS = 'redis://127.0.0.1:6379';
const STATE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];
const prefixes: string[] = [];

afterEach(async () => {
  procs.killAll();
  await removeQueuePrefixes(prefixes.splice(0));
});
afterAll(async () => {
  const c = new pg.Client({ connectionString: STATE_URL });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await c.end();
});

/** One checkout of the estate: its own folder, config and ledger; regions, PostgreSQL state and Redis shared with the others. */
async function checkout(dir: string, shared: { regions: string; schema: string }) {
  await mkdir(path.join(dir, 'drills'), { recursive: true });
  await mkdir(path.join(dir, 'schedules'), { recursive: true });
  await writeFile(
    path.join(dir, 'lifeboat.yaml'),
    `version: 1
ledger: { dir: ledger }
stateDir: state
state: { kind: postgres, url: { env: LB_STATE_URL }, schema: ${shared.schema} }
defaults: { rpo: 1000d, rto: 1h }
regions:
  primary: { kind: local, path: ${shared.regions}/primary }
  offsite: { kind: local, path: ${shared.regions}/offsite }
sandboxes:
  lite: { kind: pglite }
resources:
  - { id: shop, kind: dump-dir, region: primary, path: shop }
copies:
  - { name: offsite, resources: [shop], to: [offsite], keep: 1, lag: 1d }
`,
  );
  await writeFile(path.join(dir, 'drills/shop.yaml'), 'resource: shop\nsandbox: lite\ncadence: monthly\n');
  await writeFile(path.join(dir, 'schedules/drill.yaml'), 'job: drill\ndrill: shop\ncron: "0 0 1 1 *"\n');
  await writeFile(path.join(dir, 'schedules/copy.yaml'), 'job: copy\ncron: "0 0 1 1 *"\n');
}

describe('distributed mode on one PostgreSQL state', () => {
  it('two workers in two checkouts: status, drill history and copy status are the same from either folder', { timeout: 180_000 }, async () => {
    const regions = await tmp();
    const schema = `lbe2e_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const prefix = `lbtest-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    await mkdir(path.join(regions, 'primary/shop'), { recursive: true });
    await mkdir(path.join(regions, 'offsite'), { recursive: true });
    const dump = path.join(regions, 'primary/shop/shop-1.sql');
    const at = new Date(Date.now() - 60_000);
    await writeFile(dump, renderPostgresDump(shopDatabase(1, 3)));
    await writeFile(`${dump}.manifest.json`, JSON.stringify(await manifestFromFile(dump, { version: 'test', now: new Date(), at })));
    const [a, b] = [await tmp(), await tmp()];
    for (const dir of [a, b]) await checkout(dir, { regions, schema });
    const env = { LB_STATE_URL: STATE_URL, REDIS_URL: REDIS };
    const workers = [a, b].map((dir) => procs.launch(['worker', '--prefix', prefix, '--log-format', 'json'], { cwd: dir, env }));

    // What the API and alerts will do: hear every worker's events on the deployment's stream.
    const listener = new Redis(REDIS);
    const bus = createRedisBus(listener, prefix, silentLogger);
    const heard: LifeboatEvent[] = [];
    const subscription = bus.subscribe((e) => void heard.push(e));
    await subscription.ready;
    const drills = new Queue('drill', { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    const copies = new Queue('copy', { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    try {
      const dj = await drills.add('drill', { schedule: 'drill' });
      const cj = await copies.add('copy', { schedule: 'copy' });
      const done = async () => [await drills.getJobState(dj.id!), await copies.getJobState(cj.id!)];
      await waitFor(async () => (await done()).every((x) => x === 'completed'), { timeout: 120_000, what: 'the drill and copy jobs to complete' }).catch(async (err: Error) => {
        throw new Error(`${err.message}; jobs ${(await done()).join(', ')}; workers' logs:\n${workers.map((w) => w.stderr().slice(-3000)).join('\n---\n')}`);
      });
    } finally {
      await drills.close();
      await copies.close();
    }
    await waitFor(() => heard.some((e) => e.type === 'drill.finished'), { timeout: 10_000, what: 'drill.finished on the event stream' }).finally(async () => {
      await bus.close();
      listener.disconnect();
    });
    const drillEvents = heard.filter((e) => e.type.startsWith('drill.')).map((e) => (e.type === 'drill.step' ? `step ${(e.data as { step: string }).step}` : e.type));
    expect(drillEvents).toEqual(['drill.started', 'step locate', 'step thaw', 'step fetch', 'step provision', 'step restore', 'step verify', 'step score', 'step teardown', 'drill.finished']);
    expect(heard.filter((e) => e.type === 'copy.completed').map((e) => e.subject)).toEqual(['shop']);

    const fromBoth = async (args: string[]) => {
      const [ra, rb] = [await runCli(args, { cwd: a, env }), await runCli(args, { cwd: b, env })];
      expect(ra.code, `${args.join(' ')} in checkout A: ${ra.stderr}`).toBe(rb.code);
      // When each was asked differs; what they know must not.
      const asked = (out: string) =>
        out
          .replace(/"(checkedAt|now)": "[^"]*"/g, '"$1": "…"')
          .replace(/"ageMs": \d+/g, '"ageMs": …')
          .replace(/\b[\dhms]+ old\b/g, '… old');
      expect(asked(ra.stdout)).toBe(asked(rb.stdout));
      return ra;
    };
    const history = await fromBoth(['drill', 'history', 'shop', '--json']);
    const runs = JSON.parse(history.stdout) as { phase: string }[];
    expect(runs.map((r) => r.phase)).toEqual(['passed']);
    const copyStatus = await fromBoth(['copy', 'status', '--json']);
    // Fresh only with the registry's verified record, written by whichever worker copied.
    expect(JSON.parse(copyStatus.stdout)).toMatchObject({ copySummary: { fresh: 1 }, results: [expect.objectContaining({ kind: 'copy', region: 'offsite', status: 'fresh' })] });
    const status = await fromBoth(['status', '--redis', REDIS, '--prefix', prefix, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ drills: [expect.objectContaining({ drill: 'shop', lastRun: expect.objectContaining({ phase: 'passed' }) })] });
    await fromBoth(['status', '--json']);
  });

  it('a worker on files state that does not say it is alone on this machine is refused, with what to write', async () => {
    const dir = await tmp();
    await mkdir(path.join(dir, 'region/db'), { recursive: true });
    await writeFile(path.join(dir, 'lifeboat.yaml'), 'version: 1\nstateDir: state\nregions:\n  r: { kind: local, path: region }\nresources:\n  - { id: db, kind: dump-dir, region: r, path: db }\n');
    for (const args of [['worker'], ['start', '--redis', REDIS]]) {
      const r = await runCli([...args, '--prefix', `lbtest-${randomBytes(4).toString('hex')}`], { cwd: dir, env: { REDIS_URL: REDIS } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /state: lifeboat (worker|start --redis) runs in distributed mode, whose workers may be on many machines, but state is kept in files under .*state\. Set state: \{ kind: postgres, url: \{ env: LIFEBOAT_STATE_URL \} \}.*or, when every scheduler and worker runs on this machine, state: \{ kind: files, singleMachine: true \}/,
      );
    }
  });
});
