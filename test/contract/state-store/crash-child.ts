import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Place } from './backends.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPT = fileURLToPath(new URL('./crash-writer.mjs', import.meta.url));

/**
 * The crash writer runs the built store in its own process: `npm test` builds dist/ first
 * (its pretest); a run of this file alone needs `npm run build` before it.
 */
export function buildForCrashWriter(): void {
  if (!existsSync(path.join(ROOT, 'dist/src/state/index.js'))) throw new Error('dist/src/state/index.js is missing: run npm run build first (npm test does it before the tests)');
}

export interface Writer {
  /** Lines it printed, each after the write it names had resolved. */
  lines(): string[];
  stderr(): string;
  waitForLine(ok: (lines: string[]) => boolean, what: string, timeout?: number): Promise<void>;
  /** SIGKILL, and waits until it is gone. */
  kill(): Promise<void>;
}

const children = new Set<ChildProcess>();

/** Kills any writer a failed test left running, and waits until each is gone; for the file's afterEach. */
export async function killWriters(): Promise<void> {
  const running = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
  children.clear();
  await Promise.all(running.map((c) => new Promise((resolve) => c.once('close', resolve).kill('SIGKILL'))));
}

export function startWriter(place: Place, mode: 'loop' | 'hold-copies' | 'hold-freshness'): Writer {
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify(place.spec), mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const lines = () => out.split('\n').filter(Boolean);
  return {
    lines,
    stderr: () => err,
    async waitForLine(ok, what, timeout = 30_000) {
      const deadline = Date.now() + timeout;
      while (!ok(lines())) {
        // A writer that died by itself (a bad build, an unreachable store) fails the test at once, with its stderr.
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`crash writer exited (${child.exitCode ?? child.signalCode}) before ${what}: ${err.slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`crash writer: no ${what} within ${timeout} ms; stderr: ${err.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async kill() {
      child.kill('SIGKILL');
      await closed;
      children.delete(child);
    },
  };
}
