import { describe, expect, it } from 'vitest';
import { LifeboatError, isRetryable } from '../../src/domain/index.js';

describe('isRetryable: one rule for every job and every drill that ends in an error', () => {
  it('follows a LifeboatError its code marks retryable or final', () => {
    expect(isRetryable(new LifeboatError('DATABASE_UNREACHABLE', 'sandbox server went away'))).toBe(true);
    expect(isRetryable(new LifeboatError('DATABASE_UNREACHABLE', 'refused by the guard', { retryable: false }))).toBe(false);
    expect(isRetryable(new LifeboatError('CONFIG_INVALID', 'bad yaml'))).toBe(false);
  });

  it('retries a network error that reached it unwrapped, the mysql2 lost connection included', () => {
    for (const code of ['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']) expect(isRetryable(Object.assign(new Error(code), { code }))).toBe(true);
  });

  it('takes a bug or an error nobody classified as final', () => {
    expect(isRetryable(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(false);
    expect(isRetryable(Object.assign(new Error('ER_PARSE_ERROR'), { code: 'ER_PARSE_ERROR' }))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
    expect(isRetryable('a string')).toBe(false);
  });
});
