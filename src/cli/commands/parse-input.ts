import type { z } from 'zod';
import { LifeboatError } from '../../domain/index.js';
import type { CommandDefinition } from './define.js';

/** The long flag of each option by the key commander stores it under: '--stall-timeout' by stallTimeout. */
export function flagsByKey(def: Pick<CommandDefinition, 'options'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of def.options) {
    const long = /--([a-z0-9-]+)/.exec(o.flags)?.[1];
    if (long)
      out.set(
        long.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
        `--${long}`,
      );
  }
  return out;
}

/**
 * A command's options and arguments through its schema, or a USAGE error (exit 2) with the
 * first problem: our own checks word the whole message; anything zod says by itself is
 * prefixed with the option it concerns.
 */
export function parseCommandInput<S extends z.ZodType>(def: CommandDefinition<S>, input: Record<string, unknown>): z.output<S> {
  const r = def.schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  if (issue.code === 'custom') throw new LifeboatError('USAGE', issue.message);
  const key = issue.path[0];
  const name = typeof key === 'string' ? (flagsByKey(def).get(key) ?? key) : undefined;
  throw new LifeboatError('USAGE', name ? `${name}: ${issue.message}` : issue.message);
}
