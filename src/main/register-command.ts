import { Argument, Command, Option } from 'commander';
import { NOUNS, parseCommandInput, type CliContext, type CommandDefinition } from '../cli/index.js';

/** The group command for a noun (`drill`, `copy`…), made on first use so `--help` lists groups where their first verb comes. */
function parentOf(program: Command, path: readonly string[]): Command {
  let at = program;
  for (const noun of path) {
    at = at.commands.find((c) => c.name() === noun) ?? at.command(noun).description(NOUNS[noun] ?? '');
  }
  return at;
}

const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * One command definition on the commander program: its arguments and options as help shows
 * them; on invocation, the environment's defaults, then the schema, then `run` with the
 * context, through `invoke` (which owns the exit code).
 */
export function register(program: Command, def: CommandDefinition, invoke: (run: (ctx: CliContext) => Promise<number>) => Promise<void>): void {
  const verb = def.path.at(-1)!;
  const cmd = parentOf(program, def.path.slice(0, -1))
    .command(verb, def.isDefault ? { isDefault: true } : {})
    .description(def.description);
  for (const a of def.arguments ?? []) cmd.addArgument(new Argument(a.name, a.description));
  for (const o of def.options) cmd.addOption(o.default === undefined ? new Option(o.flags, o.description) : new Option(o.flags, o.description).default(o.default));
  cmd.action(async (...given: unknown[]) => {
    const args = Object.fromEntries((def.arguments ?? []).map((a, i) => [camel(a.name.slice(1, -1)), given[i]]));
    const opts = given[(def.arguments ?? []).length] as Record<string, unknown>;
    await invoke(async (ctx) => {
      const raw = { ...opts, ...args };
      return def.run(ctx, parseCommandInput(def, def.fromEnv ? def.fromEnv(raw, ctx.env) : raw));
    });
  });
}
