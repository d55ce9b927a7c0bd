import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { errorJson, jsonText, wantsJson, schedulerCommand, statusCommand, workerCommand, canaryCommand, canarySetupCommand, checkCommand, copyRunCommand, copyStatusCommand, copyVerifyCommand, scrubCommand, drillHistoryCommand, drillListCommand, drillRunCommand, drillShowCommand, sandboxSweepCommand, type CliContext, ledgerKeygenCommand, ledgerVerifyCommand, manifestCommand, schemaCommand, startCommand, validateCommand } from '../cli/index.js';
import { ConfigError, configureConfigLimits } from '../config/index.js';
import { exitCodeOf, LifeboatError, messageOf, systemClock } from '../domain/index.js';
import { createLogger, type LogFormat } from './logger.js';
import { openStateStore } from './open-state.js';
import { createRuntime } from './runtime.js';
import { configLimitsFromEnv } from './config-limits.js';
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
      out: (text) => process.stdout.write(`${text}\n`),
      progress: (text) => {
        if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
        else if (text) logger.info(text);
      },
      signal: abort.signal,
      env: process.env,
      openRuntime: async (config) => {
        const rt = await createRuntime(config, { clock: systemClock, logger, env: process.env });
        const tracked: Runtime = { ...rt, close: async () => {
          opened.delete(tracked);
          await rt.close();
        } };
        opened.add(tracked);
        return tracked;
      },
      openState: (config) => openStateStore(config, process.env),
    };
  };

  program
    .command('start')
    .description('run lifeboat in one process: demo estate (if configured), then schedules/ via node-cron, or via BullMQ with --redis')
    .option('--redis [url]', 'scheduler and worker on BullMQ in this process (url default: REDIS_URL)')
    .option('--prefix <prefix>', 'BullMQ key prefix', 'lifeboat')
    .option('--json', 'machine-readable output, one JSON object per line')
    .action(async (o: { redis?: string | boolean; prefix: string; json?: boolean }) => {
      const redis = o.redis === true ? process.env.REDIS_URL : o.redis || undefined;
      if (o.redis === true && !redis) throw new LifeboatError('USAGE', '--redis without a URL needs REDIS_URL');
      exit = await startCommand(context(), { redis, prefix: o.prefix, json: o.json });
    });
  program
    .command('validate')
    .description('check lifeboat.yaml, drills/ and schedules/; exit 0 valid, 2 invalid')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      exit = await validateCommand(context(), o);
    });
  program
    .command('schema')
    .description('write JSON Schema for each file kind (for editor autocompletion)')
    .option('-o, --out <dir>', 'output folder', 'schemas')
    .option('--kind <kind>', 'print one schema to stdout: estate, drill, schedule or manifest')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      exit = await schemaCommand(context(), o);
    });
  program
    .command('check')
    .description('freshness of every resource; exit 0 all fresh, 1 any not fresh')
    .option('--json', 'machine-readable output (fields in README)')
    .option('-r, --resource <id...>', 'only these resources')
    .action(async (o) => {
      exit = await checkCommand(context(), o);
    });
  program
    .command('manifest')
    .description('write <file>.manifest.json for a dump: size, sha256, tables, row counts (and checksums with --from-db)')
    .argument('[dump-file]', 'mysqldump or pg_dump output (.sql, .sql.gz, custom-format .dump)')
    .option('--from-db <dsn>', 'also read per-table checksums (read-only) from mysql://… or postgres://…; password from LIFEBOAT_DB_PASSWORD if the DSN has none')
    .option('--at <time>', 'consistent point of the backup (ISO time); default: time in the name or mtime')
    .option('--name-time <template>', 'read the time from the file name, e.g. "{YYYY}{MM}{DD}T{hh}{mm}{ss}Z"')
    .option('-o, --output <file>', "where to write ('-' for stdout)")
    .option('--force', 'replace an existing manifest')
    .option('--allow-partial', 'write the manifest even when the dump is empty, truncated or lacks tables the database has')
    .option('--json', 'machine-readable output')
    .action(async (file: string | undefined, o) => {
      exit = await manifestCommand(context(), file, { ...o, version: VERSION, dbPassword: process.env.LIFEBOAT_DB_PASSWORD });
    });
  const distributed = <T extends { redis?: string; prefix: string }>(o: T) => ({ ...o, redis: o.redis ?? process.env.REDIS_URL });
  program
    .command('scheduler')
    .description('distributed mode: keep BullMQ job schedulers in step with schedules/')
    .option('--redis <url>', 'Redis URL (default: REDIS_URL)')
    .option('--prefix <prefix>', 'BullMQ key prefix, one per deployment', 'lifeboat')
    .option('--json', 'errors as a JSON object on stdout (logs: --log-format json)')
    .action(async (o) => {
      exit = await schedulerCommand(context(), distributed(o));
    });
  program
    .command('worker')
    .description('distributed mode: process the queues (freshness, drill, copy, copy-verify, scrub, canary)')
    .option('--redis <url>', 'Redis URL (default: REDIS_URL)')
    .option('--prefix <prefix>', 'BullMQ key prefix, one per deployment', 'lifeboat')
    .option('--concurrency <queue=n...>', 'jobs at once per queue, e.g. drill=2 freshness=4')
    .option('--stall-timeout <duration>', 'a worker silent this long is taken for dead and its job handed to another (default 60s)')
    .option('--shutdown-timeout <duration>', 'on SIGTERM, how long running jobs may take before they are aborted and requeued (default 60s)')
    .option('--json', 'errors as a JSON object on stdout (logs: --log-format json)')
    .action(async (o) => {
      exit = await workerCommand(context(), distributed(o));
    });

  program
    .command('status')
    .description('distributed mode: queues, workers alive, next run of each schedule, running drills, statuses')
    .option('--redis <url>', 'Redis URL (default: REDIS_URL)')
    .option('--prefix <prefix>', 'BullMQ key prefix', 'lifeboat')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      exit = await statusCommand(context(), distributed(o));
    });

  const drill = program.command('drill').description('restore drills');
  drill
    .command('list')
    .description('the drills in drills/')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      exit = await drillListCommand(context(), o);
    });
  drill
    .command('run')
    .description('restore, verify and score one drill; exit 0 passed, 1 failed, 2 config error, 3 infrastructure error, 4 inconclusive (no completeness check ran)')
    .argument('<name>', 'drill name')
    .option('--dry-run', 'check readiness only: backup usable, sandbox reachable with rights, guard passes; writes nothing')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o) => {
      exit = await drillRunCommand(context(), name, o);
    });
  drill
    .command('show')
    .description('one run: targets vs achieved, phases, checks')
    .argument('<run-id>', "a run id, or a drill's name for its latest run")
    .option('--json', 'machine-readable output')
    .action(async (id: string, o) => {
      exit = await drillShowCommand(context(), id, o);
    });
  drill
    .command('history')
    .description('RTO, RPO and completeness of a drill over time')
    .argument('<name>')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o) => {
      exit = await drillHistoryCommand(context(), name, o);
    });
  program
    .command('sandbox')
    .description('drill sandboxes')
    .command('sweep')
    .description('mark runs whose process died abandoned, and tear down the sandboxes left behind by them')
    .option('--redis <url>', 'distributed mode: ask BullMQ whether a drill\'s job is still held by a worker (default: REDIS_URL)')
    .option('--prefix <prefix>', 'BullMQ key prefix', 'lifeboat')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      exit = await sandboxSweepCommand(context(), distributed(o));
    });

  const copy = program.command('copy').description('cold copies of backups in other regions');
  copy
    .command('run')
    .description('copy the newest backups to each destination, verified and write-once; exit 1 on any conflict')
    .option('--policy <name>', 'only this copy policy')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      exit = await copyRunCommand(context(), o);
    });
  copy
    .command('status')
    .description('per resource and destination: newest verified copy, lag, target, status')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      exit = await copyStatusCommand(context(), o);
    });
  copy
    .command('verify')
    .description('re-hash copies to find bit rot or tampering; exit 1 naming any that changed')
    .option('--sample <n>', 'only the n copies verified longest ago')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      exit = await copyVerifyCommand(context(), o);
    });

  program
    .command('scrub')
    .description('re-hash every backup and cold copy against its manifest and what was verified, at a rate limit; exit 1 naming any that rotted')
    .option('--rate <rate>', 'read at most this fast, e.g. 50MB/s (default: the estate\'s scrub.rate, else unlimited)')
    .option('-r, --resource <id...>', 'only these resources and their copies')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      exit = await scrubCommand(context(), o);
    });

  const canary = program.command('canary').description('heartbeat rows in production whose newest restored value measures a drill\'s real RPO');
  canary
    .command('beat', { isDefault: true })
    .description('write one heartbeat into each resource\'s production canary table')
    .option('-r, --resource <id...>', 'only these resources')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      exit = await canaryCommand(context(), o);
    });
  canary
    .command('setup')
    .description('print the SQL that creates the canary table and its insert-only user on production')
    .argument('<resource>')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o) => {
      exit = await canarySetupCommand(context(), id, o);
    });

  const ledger = program.command('ledger').description('the evidence ledger');
  ledger
    .command('verify')
    .description('check every record and the chain; exit 0 intact, 1 naming each problem')
    .option('--json', 'machine-readable output')
    .option('--dir <dir>', 'ledger folder (default: from the estate)')
    .option('--public-key <key>', 'with --dir: check signatures against this ed25519 public key (base64)')
    .option('--witness <dir>', 'with --dir: compare with the seal in this witness folder')
    .action(async (o) => {
      exit = await ledgerVerifyCommand(context(), o);
    });
  ledger
    .command('keygen')
    .description('make an ed25519 key pair for signing the ledger and print how to configure it')
    .option('--out <file>', 'write the private key to this new file (mode 0600)')
    .option('--print-private-key', 'print the private key to stdout instead (for a secret manager or an environment variable)')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      exit = await ledgerKeygenCommand(context(), o);
    });

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
