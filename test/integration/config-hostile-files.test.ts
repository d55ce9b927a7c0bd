import { execFileSync } from 'node:child_process';
import { mkdir, open, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, limitsFor, loadConfig, resolveSecret, type ConfigIssue } from '../../src/config/index.js';
import { SHOP_ESTATE as ESTATE, writeTree } from '../helpers/config-tree.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

const DRILL = 'resource: shop\nsandbox: pg\n';

async function tree(files: Record<string, string>): Promise<{ dir: string; estate: string }> {
  const dir = await tmp();
  return { dir, estate: await writeTree(dir, files) };
}

async function issuesOf(estate: string, limits?: Parameters<typeof loadConfig>[1]): Promise<readonly ConfigIssue[]> {
  const err = await loadConfig(estate, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).issues;
}

const mkfifo = (file: string) => execFileSync('mkfifo', [file]);

describe('config files that are not what they seem', () => {
  it('refuses a drill file whose name is not a valid drill name', async () => {
    const { estate } = await tree({ 'lifeboat.yaml': ESTATE, 'drills/bad name.yaml': DRILL, 'drills/Good.yaml': DRILL });
    const issues = await issuesOf(estate);
    expect(issues.map((i) => [path.basename(i.file), i.message])).toEqual([
      ['Good.yaml', expect.stringMatching(/^the file name "Good" is not a valid drill name: expected lower-case letters/)],
      ['bad name.yaml', expect.stringMatching(/^the file name "bad name" is not a valid drill name/)],
    ]);
  });

  it('names a directory called drills/x.yaml instead of failing with a bare EISDIR', async () => {
    const { dir, estate } = await tree({ 'lifeboat.yaml': ESTATE, 'drills/ok.yaml': DRILL });
    await mkdir(path.join(dir, 'drills/x.yaml'));
    const issues = await issuesOf(estate);
    expect(issues).toEqual([expect.objectContaining({ file: expect.stringMatching(/drills\/x\.yaml$/), path: '', message: 'is a directory: only regular files are read as config' })]);
  });

  it('refuses a FIFO in schedules/ at once, naming it, instead of waiting for a writer forever', async () => {
    const { dir, estate } = await tree({ 'lifeboat.yaml': ESTATE });
    await mkdir(path.join(dir, 'schedules'));
    mkfifo(path.join(dir, 'schedules/nightly.yaml'));
    const started = Date.now();
    const issues = await issuesOf(estate);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(issues).toEqual([expect.objectContaining({ file: expect.stringMatching(/schedules\/nightly\.yaml$/), message: 'is a FIFO (named pipe): only regular files are read as config' })]);
  });

  it('refuses a link loop and a dangling link in drills/ by name', async () => {
    const { dir, estate } = await tree({ 'lifeboat.yaml': ESTATE });
    await mkdir(path.join(dir, 'drills'));
    await symlink('loop.yaml', path.join(dir, 'drills/loop.yaml'));
    await symlink('gone', path.join(dir, 'drills/dangling.yaml'));
    const issues = await issuesOf(estate);
    expect(issues.map((i) => `${path.basename(i.file)}: ${i.message}`)).toEqual(['dangling.yaml: does not exist', 'loop.yaml: is a loop of symbolic links']);
  });

  it('refuses a character device as the estate (reading /dev/zero would never end)', async () => {
    const issues = await issuesOf('/dev/zero');
    expect(issues).toEqual([expect.objectContaining({ file: expect.stringMatching(/dev\/zero$/), message: 'is a character device: only regular files are read as config' })]);
  });

  it('refuses a 50 MB estate by its size before reading it', async () => {
    const { dir } = await tree({});
    const file = path.join(dir, 'lifeboat.yaml');
    const fh = await open(file, 'w');
    await fh.truncate(50 * 1024 * 1024);
    await fh.close();
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const issues = await issuesOf(file);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(20 * 1024 * 1024);
    expect(issues).toEqual([expect.objectContaining({ message: expect.stringMatching(/^is 52428800 bytes: larger than the 4194304-byte limit for a config file/) })]);
  });

  it('enforces the size limit while reading too (a file whose size says 0)', async () => {
    // /proc files are regular files of size 0 with content behind them.
    const issues = await issuesOf('/proc/self/maps', { limits: limitsFor(64) });
    expect(issues).toEqual([expect.objectContaining({ message: expect.stringMatching(/^grew while being read: larger than the 64-byte limit/) })]);
  });

  it('takes a size limit: a drill over it is named, the rest of the tree still checked', async () => {
    const { estate } = await tree({ 'lifeboat.yaml': ESTATE, 'drills/big.yaml': `${DRILL}description: "${'x'.repeat(5000)}"\n`, 'drills/ok.yaml': 'resource: nope\nsandbox: pg\n' });
    const issues = await issuesOf(estate, { limits: limitsFor(4096) });
    expect(issues.map((i) => `${path.basename(i.file)} ${i.path}: ${i.message}`)).toEqual([expect.stringMatching(/^big\.yaml : is \d+ bytes: larger than the 4096-byte limit/), 'ok.yaml resource: unknown resource "nope": expected one of shop']);
  });

  it('refuses an alias bomb in a drill as a located config error, not a crash', async () => {
    const bomb = `${DRILL}description: &a [x, x, x, x, x, x, x, x, x]\n${'bcdefgh'
      .split('')
      .map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`)
      .join('\n')}\n`;
    const { estate } = await tree({ 'lifeboat.yaml': ESTATE, 'drills/bomb.yaml': bomb });
    const issues = await issuesOf(estate);
    expect(issues).toEqual([expect.objectContaining({ file: expect.stringMatching(/drills\/bomb\.yaml$/), line: 4, message: expect.stringMatching(/aliases expand to too much data/) })]);
  });

  it('names paths.drills when it is a file, not a folder', async () => {
    const { estate } = await tree({ 'lifeboat.yaml': `${ESTATE}paths:\n  drills: notes.txt\n`, 'notes.txt': 'hello' });
    const issues = await issuesOf(estate);
    expect(issues).toEqual([expect.objectContaining({ path: 'paths.drills', line: 12, message: expect.stringMatching(/notes\.txt is not a folder$/) })]);
  });

  it('refuses a resource folder leaving its region at load, with file, line and field', async () => {
    const { estate } = await tree({ 'lifeboat.yaml': ESTATE.replace('    path: shop\n', '    path: ../../../../etc\n') });
    const issues = await issuesOf(estate);
    expect(issues).toEqual([expect.objectContaining({ file: expect.stringMatching(/lifeboat\.yaml$/), line: 10, column: 11, path: 'resources[0].path', message: expect.stringMatching(/leaves it$/) })]);
  });

  it('reads a secret file only if it is a small regular file: a FIFO or /dev/zero is refused at once', async () => {
    const { dir } = await tree({});
    mkfifo(path.join(dir, 'pw'));
    const started = Date.now();
    await expect(resolveSecret({ file: 'pw' }, 'credentials.db.password', {}, dir)).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
      message: expect.stringMatching(/^credentials\.db\.password: cannot read secret file .*pw: it is a FIFO \(named pipe\): only regular files are read as secret$/),
    });
    await expect(resolveSecret({ file: '/dev/zero' }, 'x', {}, dir)).rejects.toMatchObject({ message: expect.stringMatching(/is a character device/) });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
