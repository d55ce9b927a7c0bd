import { describe, expect, it } from 'vitest';
import { ErrorCodes, httpStatusOf, LifeboatError, type ErrorCode } from '../../src/domain/index.js';

/** The two codes whose side (caller or server) differs between the CLI and the API; errors.ts says why. */
const EXCEPTIONS: Partial<Record<ErrorCode, number>> = { SECRET_UNAVAILABLE: 500, SLOT_SUPERSEDED: 409 };

describe('error registry: exit code and HTTP status', () => {
  const codes = Object.keys(ErrorCodes) as ErrorCode[];

  it('gives every code an exit code and an HTTP status', () => {
    for (const code of codes) {
      expect([code, ErrorCodes[code].exit], code).toEqual([code, expect.any(Number)]);
      expect(ErrorCodes[code].http, code).toBeGreaterThanOrEqual(400);
      expect(ErrorCodes[code].http, code).toBeLessThan(600);
    }
  });

  it('keeps them consistent: exit 1 or 2 is a 4xx, exit 3 a 5xx, a retryable code 503', () => {
    const off = codes.filter((code) => {
      const { exit, http, retryable } = ErrorCodes[code];
      if (EXCEPTIONS[code] !== undefined) return http !== EXCEPTIONS[code];
      if (retryable && http !== 503) return true;
      return exit === 3 ? http < 500 : http >= 500;
    });
    expect(off).toEqual([]);
  });

  it('answers 500 for anything not ours, the registry status for ours', () => {
    expect(httpStatusOf(new Error('boom'))).toBe(500);
    expect(httpStatusOf('text')).toBe(500);
    expect(httpStatusOf(new LifeboatError('USAGE', 'x'))).toBe(400);
    expect(httpStatusOf(new LifeboatError('CONFIG_NOT_FOUND', 'x'))).toBe(404);
    expect(httpStatusOf(new LifeboatError('DATABASE_UNREACHABLE', 'x'))).toBe(503);
  });
});
