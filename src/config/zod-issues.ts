import type { z } from 'zod';
import { formatPath, type ConfigIssue } from './config-error.js';
import type { YamlSource } from './yaml-source.js';

/** Turns zod's issues into located config issues: one per problem, unknown keys one per key. */
export function issuesFromZod(source: YamlSource, error: z.ZodError): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const pos = source.locate(issue.path, { key });
        out.push({ file: source.file, ...pos, path: formatPath([...issue.path, key]), message: `unknown field "${key}" (check its spelling and indentation)` });
      }
      continue;
    }
    const pos = source.locate(issue.path);
    out.push({ file: source.file, ...pos, path: formatPath(issue.path), message: describe(issue) });
  }
  return out;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
    return `missing required field (expected ${issue.expected})`;
  }
  if (issue.code === 'invalid_union' && issue.message === 'Invalid input' && 'discriminator' in issue) {
    return `expected ${String(issue.discriminator)} to be one of the known kinds`;
  }
  return issue.message;
}
