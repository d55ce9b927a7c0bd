import { LifeboatError } from '../domain/index.js';

/** One thing wrong in one file, located well enough for an editor to jump to it. */
export interface ConfigIssue {
  file: string;
  line?: number;
  column?: number;
  /** Field path inside the file, e.g. resources[2].rpo. */
  path: string;
  message: string;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** A user's value as shown in a message: JSON-quoted, and cut short so a huge value cannot flood the terminal. */
export function quote(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return `${JSON.stringify(cut)}${text.length > max ? ` (${text.length} characters)` : ''}`;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where} ${issue.path || '(file)'}: ${issue.message}`;
}

/** All the problems found in a config tree, reported together so a user fixes them in one pass. */
export class ConfigError extends LifeboatError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const n = issues.length;
    super('CONFIG_INVALID', `${n} problem${n === 1 ? '' : 's'} in the configuration:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
