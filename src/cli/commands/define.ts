import type { z } from 'zod';
import type { CliContext } from '../context.js';

/** One option as commander declares it: flags such as '-o, --out <dir>', the help line and the default help shows. */
export interface OptionSpec {
  flags: string;
  description: string;
  default?: string;
}

/** One positional argument: '<name>' required, '[name]' optional. */
export interface ArgumentSpec {
  name: string;
  description?: string;
}

/**
 * A CLI command as data: what the wiring registers with commander, the zod schema its parsed
 * options and arguments must pass (arguments keyed by their camel-cased name), and `run`,
 * which gets only what the schema let through and returns the exit code.
 */
export interface CommandDefinition<S extends z.ZodType = z.ZodType> {
  /** The words after `lifeboat`: ['check'] or ['drill', 'run']. */
  path: readonly string[];
  description: string;
  arguments?: readonly ArgumentSpec[];
  options: readonly OptionSpec[];
  /** Runs when its noun is given alone (`lifeboat canary` is `lifeboat canary beat`). */
  isDefault?: boolean;
  /** Options the environment supplies when the command line does not (REDIS_URL), filled in before the schema checks them. */
  fromEnv?: (input: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>) => Record<string, unknown>;
  schema: S;
  run(ctx: CliContext, input: z.output<S>): Promise<number>;
}

/** Keeps `run`'s input typed from the schema. */
export const defineCommand = <S extends z.ZodType>(def: CommandDefinition<S>): CommandDefinition<S> => def;

/** --json: every command offers it (a failure is then a JSON error object on stdout). */
export const JSON_OPTION = (description = 'machine-readable output'): OptionSpec => ({ flags: '--json', description });
