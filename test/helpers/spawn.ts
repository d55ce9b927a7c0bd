import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli.js';

/** A lifeboat process started by a test, watched while it runs. */
export interface Launched {
  child: ChildProcess;
  /** Its exit code once it has exited and its output is closed (null after a signal). */
  exited: Promise<number | null>;
  /** When it exited (Date.now()), undefined while it runs. */
  exitedAt(): number | undefined;
  /** Whether it has exited. */
  gone(): boolean;
  stderr(): string;
  /** Empty unless launched with `stdout: true`. */
  stdout(): string;
  /** The msg of each JSON log line on stderr (--log-format json). */
  msgs(): string[];
}

export interface LaunchOptions {
  cwd: string;
  /** Set in (or, undefined, removed from) the test's own environment. */
  env?: Record<string, string | undefined>;
  /** Collect stdout too; otherwise it is ignored. */
  stdout?: boolean;
}

/**
 * The long-running lifeboat processes of one test file (the built CLI, as `lifeboat ARGS`):
 * stderr collected, stdout when asked. killAll, first in the file's afterEach, ends any
 * still running, so a failed test never leaves a worker behind.
 */
export function cliProcesses(): { launch(args: string[], opts: LaunchOptions): Launched; killAll(): void } {
  const children: ChildProcess[] = [];
  return {
    launch(args, opts) {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', opts.stdout ? 'pipe' : 'ignore', 'pipe'] });
      children.push(child);
      let stdout = '';
      let stderr = '';
      let at: number | undefined;
      child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) =>
        child.on('close', (code) => {
          at = Date.now();
          resolve(code);
        }),
      );
      return {
        child,
        exited,
        exitedAt: () => at,
        gone: () => at !== undefined,
        stderr: () => stderr,
        stdout: () => stdout,
        msgs: () =>
          stderr
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => (JSON.parse(l) as { msg: string }).msg),
      };
    },
    killAll() {
      for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    },
  };
}
