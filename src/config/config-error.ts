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
