import pino from 'pino';
import pretty from 'pino-pretty';
import { knownSecrets, type Logger } from '../domain/index.js';

export type LogFormat = 'pretty' | 'json';

/** What replaces a secret in a log line. */
export const REDACTED = '[redacted]';

/**
 * Field names whose values never reach a log line, at any depth: passwords, secrets, tokens,
 * authorization headers, cookies and key material. Matched on the name folded to lower-case
 * letters and digits, so `db_password`, `secretKey`, `X-Api-Key` and `signing-key` all match;
 * a plain `key` (a backup's key in a region) does not.
 */
export function isSecretKey(name: string): boolean {
  const k = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return /pass(word|wd|phrase)|secret|token/.test(k) || /^(pwd|auth|cookie|setcookie|credential|credentials|pem)$/.test(k) || /(authorization|privatekey|signingkey|apikey|accesskey|routingkey|secretkey|keymaterial)$/.test(k);
}

/** user:password@ in any URL, and password=… in a key=value DSN: the password goes, the rest stays readable. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi;
const KV_PASSWORD = /\b(password|passwd|pwd)(\s*=\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s;&]+)/gi;

/** A string with URL and key=value passwords replaced, and every known secret value hidden. */
export function scrubText(text: string): string {
  let out = text.replace(URL_PASSWORD, '$1REDACTED@').replace(KV_PASSWORD, '$1$2REDACTED');
  for (const s of knownSecrets()) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

const MAX_DEPTH = 16;

/**
 * A copy of a log field that is safe to print: secret-named fields redacted at any depth,
 * strings scrubbed, errors turned into { type, message, stack, code, cause } (scrubbed too,
 * since a driver's error message may quote a DSN), cycles and runaway depth cut short.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) {
      const out: Record<string, unknown> = { type: value.name, message: scrubText(value.message) };
      if (value.stack) out.stack = scrubText(value.stack);
      for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) && v != null ? REDACTED : redactValue(v, depth + 1, seen);
      if (value.cause !== undefined) out.cause = redactValue(value.cause, depth + 1, seen);
      return out;
    }
    if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
    if (value instanceof Date || Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return value;
    if (value instanceof Map) return redactValue(Object.fromEntries(value), depth, seen);
    if (value instanceof Set) return redactValue([...value], depth, seen);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) && v != null ? REDACTED : redactValue(v, depth + 1, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

/** The last word on a serialized line: any known secret value, in the form JSON gives it, is hidden before the line is written. */
function scrubLine(line: string): string {
  let out = line;
  for (const s of knownSecrets()) {
    for (const form of new Set([JSON.stringify(s).slice(1, -1), encodeURIComponent(s)])) if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  return out;
}

type Sink = { write(line: string): unknown };
const scrubbing = (sink: Sink): Sink => ({ write: (line: string) => sink.write(scrubLine(line)) });

/** Our Logger over pino: every field, message and child binding passes through redaction first. */
function redacting(p: pino.Logger): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (obj: object | string, msg?: string): void => {
      if (!p.isLevelEnabled(level)) return;
      if (typeof obj === 'string') p[level](scrubText(obj));
      else if (obj instanceof Error) p[level]({ err: redactValue(obj) }, scrubText(msg ?? obj.message));
      else if (msg === undefined) p[level](redactValue(obj) as object);
      else p[level](redactValue(obj) as object, scrubText(msg));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (bindings) => redacting(p.child(redactValue(bindings) as Record<string, unknown>)),
  };
}

/**
 * Logs go to stderr so stdout stays clean for tables and JSON. No secret is printed: fields
 * named like secrets are redacted at any depth, URL and DSN passwords are replaced, and the
 * secret values this process loaded are hidden wherever they appear (messages, errors, bindings).
 * `destination` replaces stderr (tests).
 */
export function createLogger(format: LogFormat, level = process.env.LOG_LEVEL ?? 'info', opts: { destination?: NodeJS.WritableStream } = {}): Logger {
  // Errors are serialized (and scrubbed) by redactValue already: pino's own err serializer would redo it without the scrubbing.
  const options = { level, base: undefined, serializers: { err: (e: unknown) => e } };
  if (format === 'json') return redacting(pino(options, scrubbing(opts.destination ?? pino.destination({ fd: 2, sync: true }))));
  const colorize = !opts.destination && process.stderr.isTTY === true && !process.env.NO_COLOR;
  const stream = pretty({ destination: opts.destination ?? 2, colorize, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true, sync: true });
  return redacting(pino(options, scrubbing(stream)));
}
