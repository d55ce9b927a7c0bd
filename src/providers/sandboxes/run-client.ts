import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LifeboatError } from '../../domain/index.js';

/**
 * Runs a database client (mysql, psql, pg_restore) with the password in its environment,
 * never on its command line (where ps shows it), feeding it a stream. Its stderr becomes
 * the error message, with the password scrubbed in case the client echoes it.
 */
export async function runClient(
  cmd: string,
  args: string[],
  opts: { env: Record<string, string>; baseEnv: Readonly<Record<string, string | undefined>>; stdin?: Readable; secret?: string; signal?: AbortSignal },
): Promise<void> {
  const child = spawn(cmd, args, { env: { ...opts.baseEnv, ...opts.env }, stdio: [opts.stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    if (stderr.length < 8192) stderr += c.toString();
  });
  const onAbort = () => child.kill('SIGTERM');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  try {
    if (opts.stdin) {
      await pipeline(opts.stdin, child.stdin!).catch((err: NodeJS.ErrnoException) => {
        // The client closing its stdin early (it hit an error) is reported through its exit code.
        if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
      });
    }
    const code = await exited.catch((err: Error) => {
      throw new LifeboatError('DATABASE_UNREACHABLE', `cannot run ${cmd}: ${err.message}`, { cause: err });
    });
    if (code !== 0) {
      const text = opts.secret ? stderr.split(opts.secret).join('[redacted]') : stderr;
      // mysql echoes the failing statement before its ERROR line; the ERROR line is what a person needs.
      const lines = text.trim().split('\n');
      const errors = lines.filter((l) => /^(ERROR|psql:|pg_restore:)/.test(l));
      throw new LifeboatError('DUMP_UNPARSEABLE', `${cmd} failed (exit ${code}): ${(errors.length ? errors : lines).slice(0, 3).join(' | ')}`, { retryable: false });
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
