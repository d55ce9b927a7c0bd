import { describe, expect, it } from 'vitest';
import { COMMANDS, parseCommandInput, type CommandDefinition } from '../../src/cli/index.js';
import { flagsByKey } from '../../src/cli/commands/index.js';
import { LifeboatError } from '../../src/domain/index.js';

/** A bad value, as commander would hand it over, for every option a schema checks beyond its type; and what the refusal must name. */
const BAD: Record<string, { value: unknown; names: string }> = {
  '--redis': { value: 'ftp://user:pw-not-shown@host:21/', names: '--redis' },
  '--prefix': { value: 'a b', names: '--prefix' },
  '--concurrency': { value: ['drill=0'], names: '--concurrency' },
  '--stall-timeout': { value: '1s', names: '--stall-timeout' },
  '--shutdown-timeout': { value: '10 minutes', names: '--shutdown-timeout' },
  '--sample': { value: '1.5', names: '--sample' },
  '--rate': { value: 'fast', names: '--rate' },
  '--at': { value: 'yesterday', names: '--at' },
  '--name-time': { value: 'shop-T', names: '--name-time' },
  // Worded as `unknown schema kind …`, as it always was.
  '--kind': { value: 'estates', names: 'schema kind' },
  '--listen': { value: 'everywhere', names: '--listen' },
};

/** Input that passes each command's schema: its arguments, its defaults, and what a command needs besides. */
function validInput(def: CommandDefinition): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const a of def.arguments ?? []) input[a.name.slice(1, -1).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = 'shop-20261120T020304Z.sql';
  const keys = [...flagsByKey(def).entries()];
  for (const o of def.options) if (o.default !== undefined) input[keys.find(([, f]) => o.flags.includes(f))![0]] = o.default;
  if (def.path.join(' ') === 'ledger keygen') input.out = 'k.pem';
  if (def.path.join(' ') === 'alerts silence add') Object.assign(input, { resource: 'billing-mysql', for: '2h', reason: 'planned move' });
  return input;
}

const name = (def: CommandDefinition) => def.path.join(' ');
const parsed = (def: CommandDefinition, input: Record<string, unknown>) => parseCommandInput(def, input) as Record<string, unknown>;
const usageMessage = (def: CommandDefinition, input: Record<string, unknown>): string => {
  try {
    parseCommandInput(def, input);
  } catch (err) {
    expect(err).toBeInstanceOf(LifeboatError);
    expect((err as LifeboatError).code).toBe('USAGE');
    expect((err as LifeboatError).exitCode).toBe(2);
    return (err as LifeboatError).message;
  }
  throw new Error(`${name(def)} accepted ${JSON.stringify(input)}`);
};

describe('CLI command definitions', () => {
  it('are one per command line, each with --json', () => {
    const paths = COMMANDS.map(name);
    expect(new Set(paths).size).toBe(paths.length);
    for (const def of COMMANDS)
      expect(
        def.options.map((o) => o.flags),
        name(def),
      ).toContain('--json');
  });

  it.each(COMMANDS.map((d) => [name(d), d] as const))('%s: its schema passes a valid command line', (_n, def) => {
    expect(() => parseCommandInput(def, validInput(def))).not.toThrow();
  });

  it.each(COMMANDS.map((d) => [name(d), d] as const))('%s: each checked option refuses a bad value, naming the option (USAGE, exit 2)', (_n, def) => {
    for (const [key, flag] of flagsByKey(def)) {
      const bad = BAD[flag];
      if (!bad) continue;
      const message = usageMessage(def, { ...validInput(def), [key]: bad.value });
      expect(message, `${name(def)} ${flag}`).toContain(bad.names);
      expect(message).not.toContain('pw-not-shown');
    }
  });

  it('every checked option is one some command has (no stale entry above)', () => {
    const flags = new Set(COMMANDS.flatMap((d) => [...flagsByKey(d).values()]));
    expect(Object.keys(BAD).filter((f) => !flags.has(f))).toEqual([]);
  });

  it('keeps the messages the e2e tests and users know', () => {
    const by = (path: string) => COMMANDS.find((d) => name(d) === path)!;
    const worker = by('worker');
    expect(usageMessage(worker, { prefix: 'p', stallTimeout: 'soon' })).toBe('--stall-timeout: expected a duration like 90s, 15m, 24h, 35d or 1h30m (at least 2s), got "soon"');
    expect(usageMessage(worker, { prefix: 'p', concurrency: ['drills=2'] })).toMatch(/^--concurrency: expected QUEUE=N with QUEUE one of freshness, drill, .* got "drills=2"$/);
    expect(usageMessage(by('copy verify'), { sample: 'two' })).toBe('--sample: expected a positive whole number, got two');
    expect(usageMessage(by('schema'), { out: 'schemas', kind: 'nope' })).toBe('unknown schema kind nope: expected one of estate, drill, schedule, manifest, webhook');
    const silence = by('alerts silence add');
    expect(usageMessage(silence, { for: '2h', reason: 'r' })).toBe('expected at least one of --rule, --subject, --resource, --drill, --region, --owner: a silence of everything is not offered');
    expect(usageMessage(silence, { resource: 'a', reason: 'r' })).toBe('expected one of --for or --until');
    expect(usageMessage(silence, { resource: 'a', for: '2h' })).toBe('--reason: expected why the alerts are silenced');
    expect(usageMessage(silence, { resource: 'a', for: 'a while', reason: 'r' })).toMatch(/^--for: expected a duration/);
    expect(usageMessage(by('ledger keygen'), {})).toMatch(/^say where the private key goes: --out FILE/);
    expect(usageMessage(by('ledger keygen'), { out: 'k', printPrivateKey: true })).toMatch(/^say where the private key goes/);
    const manifest = by('manifest');
    expect(usageMessage(manifest, {})).toBe('give a dump file, --from-db DSN, or both');
    expect(usageMessage(manifest, { fromDb: 'mysql://h/db', nameTime: '{YYYY}' })).toBe("--name-time reads the time from a dump file's name: give the file");
    expect(usageMessage(manifest, { dumpFile: 'dumps/shop.sql', nameTime: '{YYYY}-{MM}' })).toBe('--name-time {YYYY}-{MM}: the name shop.sql holds no time in this form');
  });

  it('parses what run gets: durations in ms, counts, rates, times, concurrency per queue', () => {
    const by = (path: string) => COMMANDS.find((d) => name(d) === path)!;
    expect(parseCommandInput(by('worker'), { prefix: 'p', concurrency: ['drill=2', 'freshness=4'], stallTimeout: '90s', shutdownTimeout: '2m' })).toMatchObject({
      concurrency: { drill: 2, freshness: 4 },
      stallTimeout: 90_000,
      shutdownTimeout: 120_000,
    });
    expect(parseCommandInput(by('copy verify'), { sample: '3' })).toMatchObject({ sample: 3 });
    expect(parseCommandInput(by('scrub'), { rate: '50MB/s' })).toMatchObject({ rate: 50_000_000 });
    expect(parseCommandInput(by('manifest'), { dumpFile: 'a.sql', at: '2026-11-22T02:00:00Z' })).toMatchObject({ at: new Date('2026-11-22T02:00:00Z') });
  });

  it('takes Redis from the environment where help says so, and refuses start --redis without a URL', () => {
    const by = (path: string) => COMMANDS.find((d) => name(d) === path)!;
    const env = { REDIS_URL: 'redis://127.0.0.1:6379/0' };
    for (const path of ['scheduler', 'worker', 'status', 'sandbox sweep']) {
      const def = by(path);
      expect(parseCommandInput(def, def.fromEnv!({ prefix: 'p' }, env)), path).toMatchObject({ redis: env.REDIS_URL });
      expect(parsed(def, def.fromEnv!({ prefix: 'p' }, { REDIS_URL: '' })).redis, path).toBeUndefined();
      expect(usageMessage(def, def.fromEnv!({ prefix: 'p' }, { REDIS_URL: 'redis://h/zero' })), path).toMatch(/^--redis: expected /);
    }
    const start = by('start');
    expect(parseCommandInput(start, start.fromEnv!({ prefix: 'p', redis: true }, env))).toMatchObject({ redis: env.REDIS_URL });
    expect(parsed(start, start.fromEnv!({ prefix: 'p' }, env)).redis).toBeUndefined();
    expect(usageMessage(start, start.fromEnv!({ prefix: 'p', redis: true }, {}))).toBe('--redis without a URL needs REDIS_URL');
  });
});
