import pino from 'pino';
import pretty from 'pino-pretty';
import type { Logger } from '../domain/index.js';

export type LogFormat = 'pretty' | 'json';

/** Keys whose values never reach a log line, wherever they appear. */
export const REDACT_PATHS = ['password', 'secret', 'secretKey', 'secretId', 'token', 'dsn', '*.password', '*.secret', '*.secretKey', '*.secretId', '*.token', '*.dsn'];

/** Logs go to stderr so stdout stays clean for tables and JSON. */
export function createLogger(format: LogFormat, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined };
  if (format === 'json') return pino(options, pino.destination({ fd: 2, sync: true }));
  const stream = pretty({ destination: 2, colorize: process.stderr.isTTY === true && !process.env.NO_COLOR, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true, sync: true });
  return pino(options, stream);
}
