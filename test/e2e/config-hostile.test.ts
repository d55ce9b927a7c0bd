import { execFileSync } from 'node:child_process';
import { cp, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { copyExampleEstate } from '../helpers/example-estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

/** A copy of the repo's example estate in a temp folder. */
async function exampleCopy(): Promise<string> {
  return copyExampleEstate(await tmp());
}

async function edit(file: string, from: string | RegExp, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  await writeFile(file, next);
}

describe('lifeboat refuses bad config with its place (exit 2), never hangs, never crashes', () => {
  it('names every out-of-bounds value of section 6 with file, line:column and field', async () => {
    const dir = await exampleCopy();
    const estate = path.join(dir, 'lifeboat.yaml');
    await edit(estate, '    rpo: 6h\n', '    rpo: 100000000000000000000000d\n');
    await edit(estate, '    nameTime: "{YYYY}{MM}{DD}T{hh}{mm}{ss}Z"\n', '    nameTime: "{YYYY}{MM}{DD}T{hh}{mm}{ss}Z"\n    nameTimeZone: Mars/Olympus\n');
    await edit(estate, '    path: orders\n', '    path: ../../../../etc\n');
    const monthly = path.join(dir, 'drills/shop-monthly.yaml');
    await edit(monthly, 'timeout: 30m', 'timeout: 0s');
    await edit(monthly, '      min: 500\n', '      min: 500\n      max: 10\n');
    await cp(path.join(dir, 'drills/shop-quarterly.yaml'), path.join(dir, 'drills/bad name.yaml'));
    await edit(path.join(dir, 'drills/bad name.yaml'), /^/, 'name: spare\n');
    await edit(path.join(dir, 'schedules/freshness.yaml'), /cron: .*/, 'cron: "1-99999999999 * * * *"');

    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lifeboat\.yaml:\d+:10 resources\[1\]\.rpo: expected at most 100 years \(36525d\), got "100000000000000000000000d"/);
    expect(r.stderr).toMatch(/lifeboat\.yaml:\d+:19 resources\[2\]\.nameTimeZone: expected an IANA time zone such as Asia\/Shanghai or UTC, got "Mars\/Olympus"/);
    expect(r.stderr).toMatch(/lifeboat\.yaml:\d+:11 resources\[3\]\.path: expected a folder inside the region, got "\.\.\/\.\.\/\.\.\/\.\.\/etc", which leaves it/);
    expect(r.stderr).toMatch(/drills\/shop-monthly\.yaml:\d+:10 timeout: expected a duration above 0s, got "0s"/);
    expect(r.stderr).toMatch(/drills\/shop-monthly\.yaml:\d+:12 checks\.assertions\[0\]\.min: expected min at most max, got min 500 and max 10/);
    expect(r.stderr).toMatch(/drills\/bad name\.yaml \(file\): the file name "bad name" is not a valid drill name/);
    expect(r.stderr).toMatch(/schedules\/freshness\.yaml:\d+:7 cron: expected a cron expression with numbers of at most 2 digits/);
    expect(r.stderr).toMatch(/^7 problems in the configuration/);
  });

  it('refuses a FIFO in schedules/ by name at once, for every command that loads the config', async () => {
    const dir = await exampleCopy();
    execFileSync('mkfifo', [path.join(dir, 'schedules/stuck.yaml')]);
    for (const args of [['validate'], ['check'], ['drill', 'list']]) {
      const started = Date.now();
      const r = await runCli(args, { cwd: dir });
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/schedules\/stuck\.yaml \(file\): is a FIFO \(named pipe\): only regular files are read as config/);
    }
  });

  it('refuses /dev/zero as the estate without reading it', async () => {
    const r = await runCli(['validate', '--config', '/dev/zero'], { cwd: await tmp() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/dev\/zero \(file\): is a character device: only regular files are read as config/);
  });

  it('refuses a 50 MB YAML by its size, quickly', async () => {
    const dir = await tmp();
    const fh = await open(path.join(dir, 'lifeboat.yaml'), 'w');
    const chunk = Buffer.from('# padding line of a very large estate file\n'.repeat(24_000));
    for (let written = 0; written < 50 * 1024 * 1024; written += chunk.length) await fh.write(chunk);
    await fh.close();
    const started = Date.now();
    const r = await runCli(['validate'], { cwd: dir });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lifeboat\.yaml \(file\): is \d+ bytes: larger than the 4194304-byte limit for a config file/);
  });

  it('refuses an alias bomb naming file and line, not a bare exit 3', async () => {
    const dir = await exampleCopy();
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`)].join('\n');
    await writeFile(path.join(dir, 'schedules/bomb.yaml'), `job: freshness\ncron: "* * * * *"\n${bomb}\n`);
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/schedules\/bomb\.yaml:4:\d+ \(file\): YAML: aliases expand to too much data/);
  });

  it('names a directory called drills/x.yaml', async () => {
    const dir = await exampleCopy();
    await mkdir(path.join(dir, 'drills/x.yaml'));
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/drills\/x\.yaml \(file\): is a directory: only regular files are read as config/);
    expect(r.stderr).not.toMatch(/EISDIR/);
  });

  it('takes the size limit from LIFEBOAT_CONFIG_MAX_BYTES, and refuses a malformed one', async () => {
    const dir = await exampleCopy();
    const small = await runCli(['validate'], { cwd: dir, env: { LIFEBOAT_CONFIG_MAX_BYTES: '1K' } });
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(/lifeboat\.yaml \(file\): is \d+ bytes: larger than the 1024-byte limit/);
    const bad = await runCli(['validate'], { cwd: dir, env: { LIFEBOAT_CONFIG_MAX_BYTES: 'lots' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/LIFEBOAT_CONFIG_MAX_BYTES: expected a size such as 4194304, 512K or 16M, got "lots"/);
    const ok = await runCli(['validate'], { cwd: dir, env: { LIFEBOAT_CONFIG_MAX_BYTES: '64K' } });
    expect(ok.code).toBe(0);
  });
});
