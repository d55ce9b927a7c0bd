import { spawn } from 'node:child_process';
import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, runCli } from '../helpers/cli.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

/** Every command, with the arguments it needs to get as far as failing in an empty folder. */
const COMMANDS: string[][] = [
  ['start'],
  ['validate'],
  ['schema', '--kind', 'nope'],
  ['check'],
  ['manifest', 'missing.sql'],
  ['scheduler'],
  ['worker'],
  ['status'],
  ['drill', 'list'],
  ['drill', 'run', 'x'],
  ['drill', 'show', 'x'],
  ['drill', 'history', 'x'],
  ['sandbox', 'sweep'],
  ['copy', 'run'],
  ['copy', 'status'],
  ['copy', 'verify'],
  ['scrub'],
  ['canary'],
  ['canary', 'setup', 'x'],
  ['ledger', 'verify'],
  ['ledger', 'keygen', '--out', '.'],
];
const noRedis = { REDIS_URL: undefined, LIFEBOAT_CONFIG: undefined };
/** How each command fails in an empty folder (exit 2 for all): the estate file missing, unless listed here. */
const NO_ESTATE: [string, RegExp] = ['CONFIG_NOT_FOUND', /^cannot read estate file lifeboat\.yaml: it does not exist$/];
const FAILS_WITH: Record<string, [string, RegExp]> = {
  'schema --kind nope': ['USAGE', /^unknown schema kind nope: expected one of estate, drill, schedule, manifest, webhook$/],
  'manifest missing.sql': ['USAGE', /^cannot read dump file missing\.sql: ENOENT/],
  scheduler: ['USAGE', /^distributed mode needs Redis: set REDIS_URL or pass --redis/],
  worker: ['USAGE', /^distributed mode needs Redis: set REDIS_URL or pass --redis/],
  'ledger keygen --out .': ['USAGE', / exists: a key is never overwritten; choose another file$/],
};

interface JsonError {
  error: { code: string; message: string; exit: number; retryable: boolean; issues?: { file: string; line?: number; column?: number; path: string; message: string }[]; details?: unknown };
}

describe('--json on failure: a JSON error object on stdout, never nothing', () => {
  it.each(COMMANDS.map((c) => [c.join(' '), c]))('lifeboat %s --json', async (_name, args) => {
    const dir = await tmp();
    const r = await runCli([...(args as string[]), '--json'], { cwd: dir, env: noRedis });
    const [code, message] = FAILS_WITH[(args as string[]).join(' ')] ?? NO_ESTATE;
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as JsonError;
    expect(out.error).toMatchObject({ code, message: expect.stringMatching(message), exit: 2, retryable: false });
  });

  it('every command offers --json', { timeout: 180_000 }, async () => {
    const names = COMMANDS.map((args) => {
      const words = args.filter((a, i) => !(a.startsWith('--') || args[i - 1]?.startsWith('--')) && !['x', 'missing.sql', '.'].includes(a));
      // `canary` alone runs its default subcommand, `canary beat`.
      return words.join(' ') === 'canary' ? ['canary', 'beat'] : words;
    });
    for (let i = 0; i < names.length; i += 4) {
      const batch = names.slice(i, i + 4);
      const results = await Promise.all(batch.map((words) => runCli([...words, '--help'])));
      results.forEach((r, j) => {
        expect(r.code, batch[j]!.join(' ')).toBe(0);
        expect(r.stdout, batch[j]!.join(' ')).toMatch(/--json\b/);
      });
    }
  });

  it('config errors carry every problem with its file, line and column', async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, 'lifeboat.yaml'), 'version: 1\nregions: { a: { kind: local, path: x } }\nresources:\n  - { id: r, kind: dump-dir, region: a, path: r, rpo: soon }\n');
    const r = await runCli(['check', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as JsonError;
    expect(out.error.code).toBe('CONFIG_INVALID');
    expect(out.error.issues).toEqual([expect.objectContaining({ file: 'lifeboat.yaml', line: 4, column: expect.any(Number), path: 'resources[0].rpo' })]);
    // People still get the message on stderr.
    expect(r.stderr).toMatch(/lifeboat\.yaml:4:\d+ resources\[0\]\.rpo/);
  });

  it('usage errors that stop the parser (unknown option, missing argument) are JSON too', async () => {
    const unknown = await runCli(['check', '--json', '--bogus'], { cwd: await tmp() });
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: 'USAGE', message: "unknown option '--bogus'", exit: 2 } });
    const missing = await runCli(['drill', 'run', '--json'], { cwd: await tmp() });
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 'USAGE', message: "missing required argument 'name'" } });
  });

  it('without --json stdout stays empty on failure (the message goes to stderr)', async () => {
    const r = await runCli(['check'], { cwd: await tmp(), env: noRedis });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/cannot read estate file/);
  });
});

describe('--json on success', () => {
  it('start --json prints one JSON object per line: the freshness sweep, then each overdue drill run', { timeout: 120_000 }, async () => {
    const dir = await tmp();
    await cp(path.join(REPO_ROOT, 'lifeboat.yaml'), path.join(dir, 'lifeboat.yaml'));
    await cp(path.join(REPO_ROOT, 'schedules'), path.join(dir, 'schedules'), { recursive: true });
    await cp(path.join(REPO_ROOT, 'drills'), path.join(dir, 'drills'), { recursive: true });
    const child = spawn(process.execPath, [BIN, 'start', '--json', '--log-format', 'json'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', REDIS_URL: '' } });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines = () => stdout.split('\n').filter(Boolean);
    const deadline = Date.now() + 90_000;
    // The example estate has two drills, both overdue on a fresh copy.
    while (lines().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const objects = lines().map((l) => JSON.parse(l) as Record<string, { summary?: object; runId?: string; phase?: string }>);
    expect(objects[0]!.freshness).toMatchObject({ summary: expect.any(Object), results: expect.any(Array) });
    expect(objects.slice(1).map((o) => Object.keys(o))).toEqual([['drill'], ['drill']]);
    expect(objects[1]!.drill).toMatchObject({ runId: expect.any(String), phase: expect.any(String) });
  });
});
