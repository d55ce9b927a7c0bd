import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { errorJson, wantsJson } from '../../src/cli/index.js';
import { ConfigError } from '../../src/config/index.js';
import { LifeboatError } from '../../src/domain/index.js';

describe('the JSON error object', () => {
  it("keeps a lifeboat error's code, retryability and exit code", () => {
    expect(errorJson(new LifeboatError('DATABASE_UNREACHABLE', 'cannot connect to mysql://root:REDACTED@db:3306/x'), 3)).toEqual({
      error: { code: 'DATABASE_UNREACHABLE', message: 'cannot connect to mysql://root:REDACTED@db:3306/x', exit: 3, retryable: true },
    });
  });

  it('lists every config issue with its place', () => {
    const issues = [
      { file: 'lifeboat.yaml', line: 4, column: 7, path: 'resources[0].rpo', message: 'expected a duration' },
      { file: 'drills/x.yaml', path: '', message: 'unknown resource y' },
    ];
    expect(errorJson(new ConfigError(issues), 2).error).toMatchObject({ code: 'CONFIG_INVALID', exit: 2, issues });
  });

  it('usage errors from the parser, details an error carries, system errors from outside', () => {
    expect(errorJson(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"), 2).error).toEqual({ code: 'USAGE', message: "unknown option '--x'", exit: 2, retryable: false, details: { commander: 'commander.unknownOption' } });
    const partial = Object.assign(new LifeboatError('DUMP_INCOMPLETE', 'x is not a whole dump'), { details: { problems: ['the dump file is empty (0 bytes)'] } });
    expect(errorJson(partial, 1).error).toMatchObject({ code: 'DUMP_INCOMPLETE', details: { problems: ['the dump file is empty (0 bytes)'] } });
    const sys = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    expect(errorJson(sys, 3).error).toEqual({ code: 'INTERNAL', message: 'connect ECONNREFUSED 127.0.0.1:6379', exit: 3, retryable: false, systemCode: 'ECONNREFUSED' });
    expect(errorJson('a string was thrown', 3).error).toMatchObject({ code: 'INTERNAL', message: 'a string was thrown' });
  });

  it('--json is asked for anywhere before --, not after it', () => {
    expect(wantsJson(['drill', 'run', 'x', '--json'])).toBe(true);
    expect(wantsJson(['--json', 'check'])).toBe(true);
    expect(wantsJson(['check'])).toBe(false);
    expect(wantsJson(['manifest', '--', '--json'])).toBe(false);
  });
});
