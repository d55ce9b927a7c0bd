import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

/** Runs the built CLI; a process still running after `ms` is killed (code null): a long-running command that should have refused at once. */
function run(args: string[], cwd: string, ms = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', REDIS_URL: undefined }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function estate() {
  const dir = await tmp();
  await mkdir(path.join(dir, 'region/db'), { recursive: true });
  await mkdir(path.join(dir, 'schedules'), { recursive: true });
  await writeFile(
    path.join(dir, 'lifeboat.yaml'),
    'version: 1\nledger: { dir: ledger }\nstateDir: state\nstate: { kind: files, singleMachine: true }\nregions:\n  r: { kind: local, path: region }\nresources:\n  - { id: db, kind: dump-dir, region: r, path: db }\n',
  );
  return dir;
}

const prefix = () => `lbtest-opts-${randomBytes(4).toString('hex')}`;

describe('long-running commands check every option before they start', () => {
  it('worker: a bad --shutdown-timeout is refused at once (exit 2, the option named), not at SIGTERM', async () => {
    const dir = await estate();
    const r = await run(['worker', '--redis', 'redis://127.0.0.1:6379', '--prefix', prefix(), '--shutdown-timeout', '10 minutes'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--shutdown-timeout: expected a duration like 90s, 15m, 24h, 35d or 1h30m, got "10 minutes"');
    expect(r.stderr).not.toMatch(/worker running/);
    const j = await run(['worker', '--redis', 'redis://127.0.0.1:6379', '--prefix', prefix(), '--shutdown-timeout', '1 h', '--json'], dir);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({ error: { code: 'USAGE', exit: 2, message: expect.stringMatching(/^--shutdown-timeout: expected /) } });
  });

  it('worker: --stall-timeout and --concurrency are checked the same way', async () => {
    const dir = await estate();
    const base = ['worker', '--redis', 'redis://127.0.0.1:6379', '--prefix', prefix()];
    const cases: [string[], string][] = [
      [['--stall-timeout', 'soon'], '--stall-timeout: expected a duration like 90s, 15m, 24h, 35d or 1h30m (at least 2s), got "soon"'],
      [['--stall-timeout', '1s'], '--stall-timeout: expected a duration like 90s, 15m, 24h, 35d or 1h30m (at least 2s), got "1s"'],
      [['--concurrency', 'drill=0'], '--concurrency: expected QUEUE=N with QUEUE one of freshness, drill, copy, copy-verify, scrub, canary, demo-backups and N from 1 to 1000, e.g. drill=2, got "drill=0"'],
      [['--concurrency', 'drills=2'], 'got "drills=2"'],
      [['--prefix', 'a b'], '--prefix: expected a non-empty key prefix'],
    ];
    for (const [args, message] of cases) {
      const r = await run([...base, ...args], dir);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr).toContain(message);
    }
  });

  it('start: a bad --redis or --prefix is refused before anything starts: no demo, sweep, copy pass or ledger', async () => {
    const dir = await estate();
    const cases: [string[], RegExp][] = [
      [['--redis', 'ftp://user:pw-not-shown@host:21/'], /--redis: expected a redis:\/\/ or rediss:\/\/ URL such as redis:\/\/127\.0\.0\.1:6379\/0 \(redis:\/\/ or rediss:\/\/, got ftp:\)/],
      [['--redis', 'redis://127.0.0.1:6379/zero'], /--redis: expected .*a database number after the host/],
      [['--redis', 'not a url'], /--redis: expected a redis:\/\/ or rediss:\/\/ URL/],
      [['--prefix', ''], /--prefix: expected a non-empty key prefix .*got ""/],
    ];
    for (const [args, message] of cases) {
      const r = await run(['start', ...args], dir);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr + r.stdout).not.toContain('pw-not-shown');
    }
    // Nothing ran: no ledger, no state folder.
    expect((await readdir(dir)).sort()).toEqual(['lifeboat.yaml', 'region', 'schedules']);
  });
});
