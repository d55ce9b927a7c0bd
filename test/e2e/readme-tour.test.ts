import { spawn } from 'node:child_process';
import { cp, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT } from '../helpers/cli.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

/** One fenced block of the tour: commands to run (`sh`) or a sample of what the last command printed. */
interface Block {
  kind: 'sh' | 'sample';
  lines: string[];
  /** README line number of the fence, for failure messages. */
  at: number;
}

/** The fenced blocks of the README's tour section, in order, with their indentation removed. */
function tourBlocks(readme: string): Block[] {
  const lines = readme.split('\n');
  const from = lines.findIndex((l) => l.startsWith('## Five-minute tour'));
  const to = lines.findIndex((l, i) => i > from && l.startsWith('## '));
  const blocks: Block[] = [];
  let open: Block | undefined;
  let indent = 0;
  for (let i = from; i < to; i++) {
    const fence = /^(\s*)```(\w*)\s*$/.exec(lines[i]!);
    if (fence && !open) {
      indent = fence[1]!.length;
      open = { kind: fence[2] === 'sh' ? 'sh' : 'sample', lines: [], at: i + 1 };
    } else if (fence && open) {
      blocks.push(open);
      open = undefined;
    } else if (open && lines[i]!.trim()) open.lines.push(lines[i]!.slice(indent));
  }
  return blocks;
}

/** What differs from one run to the next (times, ages, run ids, a demo dump's size with the hour's canary beats, column padding) made equal. */
function normalise(line: string): string {
  return line
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<iso>')
    .replace(/\b\d+ bytes\b/g, '<n> bytes')
    .replace(/\d{8}T\d{6}Z(-[0-9a-f]{6})?/g, '<ts>')
    .replace(/\b\d+(?:ms|[smhd])(?:\d+(?:ms|[smhd]))*\b/g, '<dur>')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Sample lines missing from the output; `...` lines are elisions, a trailing `...` cuts a line short. */
function missingSampleLines(sample: string[], output: string): string[] {
  const printed = output.split('\n').map(normalise);
  return sample.filter((line) => {
    if (line.trim() === '...') return false;
    const want = normalise(line);
    if (want.endsWith('...')) return !printed.some((p) => p.startsWith(want.slice(0, -3).trimEnd()));
    return !printed.includes(want);
  });
}

function sh(command: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env: { ...process.env, NO_COLOR: '1', REDIS_URL: undefined } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the README tour', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

  it('parses the tour into blocks and compares samples the way the README says', () => {
    const blocks = tourBlocks('## Five-minute tour\n1. a\n\n   ```sh\n   npx x   # exit 2\n   ```\n   ```\n   a 3d8h b ...\n   ```\n## Next\n```sh\nnot this\n```\n');
    expect(blocks).toEqual([
      { kind: 'sh', lines: ['npx x   # exit 2'], at: 4 },
      { kind: 'sample', lines: ['a 3d8h b ...'], at: 7 },
    ]);
    expect(missingSampleLines(['a 3d8h b ...'], 'a   1h2m   b c d')).toEqual([]);
    expect(missingSampleLines(['a 3d8h b'], 'a 1h2m c')).toEqual(['a 3d8h b']);
    expect(missingSampleLines(['run shop-20261122T000000Z-abc123 ok', '...'], 'run shop-20270101T010203Z-0f0f0f ok')).toEqual([]);
  });

  it('runs every command of the tour in a copy of the project, with the exit codes and output it shows', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const blocks = tourBlocks(readme);
    expect(blocks.filter((b) => b.kind === 'sh').length).toBeGreaterThanOrEqual(6);

    // The project as a user has it after `npm ci`: its files, its build, its dependencies (linked).
    const dir = await tmp();
    const skip = new Set(['node_modules', '.git', '.lifeboat', 'schemas'].map((d) => path.join(REPO_ROOT, d)));
    await cp(REPO_ROOT, dir, { recursive: true, filter: (src) => !skip.has(src) });
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));

    // Step 1, `npm start` (after its build): runs until stopped; the tour's other commands run beside it.
    const start = spawn(process.execPath, [BIN, 'start'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', REDIS_URL: undefined } });
    children.push(start);
    let startOut = '';
    start.stdout.on('data', (c: Buffer) => (startOut += c.toString()));
    start.stderr.on('data', (c: Buffer) => (startOut += c.toString()));
    const startExit = new Promise<number | null>((resolve) => start.on('close', resolve));
    // Both drills have printed their checks once the demo is built (seconds; more on a busy machine).
    const deadline = Date.now() + 120_000;
    while ((startOut.match(/^checks: /gm) ?? []).length < 2 && start.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((startOut.match(/^checks: /gm) ?? []).length, startOut).toBe(2);

    let last = { command: 'npm start', output: startOut };
    for (const block of blocks) {
      if (block.kind === 'sample') {
        expect(missingSampleLines(block.lines, last.output), `README.md:${block.at}: sample lines not printed by \`${last.command}\`:\n${last.output}`).toEqual([]);
        continue;
      }
      for (const line of block.lines) {
        const expected = Number(/#\s*exit (\d+)/.exec(line)?.[1] ?? 0);
        const command = line.replace(/\s+#.*$/, '');
        // `npx lifeboat` is the project's bin/lifeboat.js; run directly, since npx in a copy
        // whose node_modules is linked rebuilds the project first (a minute on a busy machine).
        const r = await sh(command.replace(/\bnpx lifeboat\b/g, `"${process.execPath}" bin/lifeboat.js`), dir);
        expect(r.code, `README.md:${block.at}: \`${command}\` printed:\n${r.output}`).toBe(expected);
        last = { command, output: r.output };
      }
    }

    // Ctrl-C stops it cleanly.
    start.kill('SIGINT');
    expect(await startExit).toBe(0);
  }, 300_000);
});
