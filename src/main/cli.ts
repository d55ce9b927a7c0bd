import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { COMMANDS, errorJson, jsonText, wantsJson, type CliContext } from '../cli/index.js';
import { ConfigError, configureConfigLimits } from '../config/index.js';
import { exitCodeOf, messageOf, systemClock } from '../domain/index.js';
import { createLogger, type LogFormat } from './logger.js';
import { openStateStore } from './open-state.js';
import { startAlerting } from './alerting.js';
import { startMetrics } from './metrics.js';
import { createRuntime } from './runtime.js';
import { configLimitsFromEnv } from './config-limits.js';
import { register } from './register-command.js';
import type { Runtime } from '../jobs/index.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The composition root: the only place that reads the environment, handles signals and exits. */
async function main(argv: string[]): Promise<number> {
  const abort = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) process.exit(130);
    process.stderr.write(`\n${sig} received, stopping\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let exit = 0;
  // Every command closes what it opened; one that does not still lets the process end, as its runtime is closed here.
  const opened = new Set<Runtime>();
  const program = new Command('lifeboat')
    .description('Backup freshness, cold copies and scored restore drills, with an evidence ledger')
    .version(VERSION)
    .addOption(new Option('-c, --config <file>', 'estate file').env('LIFEBOAT_CONFIG').default('lifeboat.yaml'))
    .addOption(new Option('--log-format <format>', 'log format').choices(['pretty', 'json']).default('pretty'))
    .showHelpAfterError()
    .exitOverride();

  const context = (): CliContext => {
    configureConfigLimits(configLimitsFromEnv(process.env));
    const g = program.opts<{ config: string; logFormat: LogFormat }>();
    const logger = createLogger(g.logFormat);
    return {
      clock: systemClock,
      logger,
      configPath: g.config,
      version: VERSION,
      out: (text) => process.stdout.write(`${text}\n`),
      progress: (text) => {
        if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
        else if (text) logger.info(text);
      },
      signal: abort.signal,
      env: process.env,
      openRuntime: async (config) => {
        const rt = await createRuntime(config, { clock: systemClock, logger, env: process.env });
        const tracked: Runtime = {
          ...rt,
          close: async () => {
            opened.delete(tracked);
            await rt.close();
          },
        };
        opened.add(tracked);
        return tracked;
      },
      openState: (config) => openStateStore(config, process.env),
      startAlerting: (runtime, metrics) => startAlerting(runtime, process.env, metrics),
      startMetrics: (o) => startMetrics({ ...o, clock: systemClock, logger }),
    };
  };

  // Each command: parsed by commander, checked by its zod schema, run with this context; its exit code kept.
  for (const def of COMMANDS) {
    register(program, def, async (run) => {
      exit = await run(context());
    });
  }

  try {
    await program.parseAsync(argv);
    return exit;
  } catch (err) {
    const code = err instanceof CommanderError ? (err.exitCode === 0 ? 0 : 2) : err instanceof ConfigError ? 2 : exitCodeOf(err);
    // With --json a failure is a JSON error object on stdout, whatever the command.
    if (code !== 0 && wantsJson(argv.slice(2))) process.stdout.write(`${jsonText(errorJson(err, code))}\n`);
    if (err instanceof CommanderError) return code;
    process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `lifeboat: ${messageOf(err)}\n`);
    return code;
  } finally {
    for (const rt of opened) await rt.close().catch((err: unknown) => process.stderr.write(`lifeboat: closing: ${messageOf(err)}\n`));
  }
}

process.exitCode = await main(process.argv);
