import { CommanderError } from 'commander';
import { ConfigError, type ConfigIssue } from '../config/index.js';
import { LifeboatError, messageOf } from '../domain/index.js';

/** What `--json` prints on stdout when a command fails: the same shape for every command. */
export interface JsonError {
  error: {
    /** A code from the error registry (USAGE, CONFIG_INVALID, DATABASE_UNREACHABLE, …); INTERNAL when lifeboat did not foresee it. */
    code: string;
    message: string;
    /** The process exit code that goes with it. */
    exit: number;
    retryable: boolean;
    /** Config errors: every problem with its file, line, column and field path. */
    issues?: readonly ConfigIssue[];
    /** More about the failure, when the error carries it (e.g. what makes a dump partial). */
    details?: unknown;
    /** The operating system's code for a system error (ECONNREFUSED, EACCES, …). */
    systemCode?: string;
  };
}

/** The JSON error object for anything a command threw. */
export function errorJson(err: unknown, exit: number): JsonError {
  if (err instanceof CommanderError) {
    return { error: { code: 'USAGE', message: err.message.replace(/^error: /, ''), exit, retryable: false, details: { commander: err.code } } };
  }
  const e: JsonError['error'] = { code: 'INTERNAL', message: messageOf(err), exit, retryable: false };
  if (err instanceof LifeboatError) Object.assign(e, { code: err.code, retryable: err.retryable });
  if (err instanceof ConfigError) e.issues = err.issues;
  const details = (err as { details?: unknown } | undefined)?.details;
  if (details !== undefined) e.details = details;
  const sys = (err as NodeJS.ErrnoException | undefined)?.code;
  if (!(err instanceof LifeboatError) && typeof sys === 'string') e.systemCode = sys;
  return { error: e };
}

/**
 * Whether the command line asks for JSON: `--json` anywhere before a `--`. Read from the
 * arguments rather than from parsed options, so a command that failed to parse (an unknown
 * option, a missing argument) still answers in JSON.
 */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

/** A JSON document on stdout, as every `--json` output is printed. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
