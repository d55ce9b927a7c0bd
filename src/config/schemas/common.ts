import path from 'node:path';
import { z } from 'zod';
import { validateDetailed } from 'node-cron';
import { quote } from '../config-error.js';

/** Ids name things across files (resources, regions, sandboxes, drills): short, lower-case, URL- and key-safe. */
export const idSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, {
  error: (iss) => `expected an id of lower-case letters, digits, '.', '_' or '-' (at most 63, starting with a letter or digit), got ${quote(iss.input)}`,
});

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Where a secret lives. Never the secret itself: a plain string here is refused so
 * that a password cannot be committed with the estate by accident.
 */
export const secretRefSchema = z
  .union([z.strictObject({ env: z.string().regex(ENV_NAME, { error: 'expected an environment variable name such as DB_PASSWORD' }) }), z.strictObject({ file: z.string().min(1, { error: 'expected a path to a secret file' }) })], {
    error: (iss) => (typeof iss.input === 'string' || typeof iss.input === 'number' ? 'a literal secret is not allowed in YAML: write { env: VAR_NAME } or { file: /path/to/secret }' : 'expected { env: VAR_NAME } or { file: /path/to/secret }'),
  })
  .meta({ description: 'A reference to a secret: { env: NAME } or { file: PATH }. Never the secret itself.' });

export type SecretRef = z.output<typeof secretRefSchema>;

/** The zone schedules and cadences are read in when they name none. */
export const DEFAULT_TIME_ZONE = 'UTC';

export const timezoneSchema = z.string().refine(
  (tz) => {
    // An IANA name is short; a long string is refused before Intl sees it.
    if (tz.length > 64) return false;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: (iss) => `expected an IANA time zone such as Asia/Shanghai or UTC, got ${quote(iss.input)}` },
);

/** Cron with optional seconds, checked with node-cron's own parser so the runner accepts what validation accepts. */
export const cronSchema = z.string().superRefine((expr, ctx) => {
  // node-cron splits and matches with regular expressions: keep what it is handed small.
  if (expr.length > 200) {
    ctx.addIssue({ code: 'custom', message: `expected a cron expression like "0 2 * * *" (at most 200 characters), got ${quote(expr)}` });
    return;
  }
  // node-cron expands a range into an array before checking it: "1-99999999999" aborts the
  // whole process (V8 invalid array size), so numbers no cron field can hold stop here.
  if (/\d{3,}/.test(expr)) {
    ctx.addIssue({ code: 'custom', message: `expected a cron expression with numbers of at most 2 digits (seconds, minutes 0-59, hours 0-23, days 1-31, months 1-12, weekdays 0-7), got ${quote(expr)}` });
    return;
  }
  const result = validateDetailed(expr);
  if (!result.valid) {
    const why = result.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    ctx.addIssue({
      code: 'custom',
      message: `expected a cron expression like "0 2 * * *" or "*/30 * * * * *" (seconds optional), got ${quote(expr)}${why ? ` (${why})` : ''}`,
    });
  }
});

export const ratioSchema = z.number().min(0, { error: 'expected a ratio from 0 to 1' }).max(1, { error: 'expected a ratio from 0 to 1' });

/**
 * A folder named relative to another (a resource's folder inside its region): relative, and
 * never climbing out of it. Checked on the text, so it holds before any folder exists; the
 * stores still resolve links at run time, since a link can lead anywhere.
 */
export const insideFolderSchema = (what: string) =>
  z
    .string()
    .min(1)
    .superRefine((p, ctx) => {
      const normal = path.posix.normalize(p.replace(/\\/g, '/'));
      if (path.posix.isAbsolute(normal) || /^[A-Za-z]:/.test(normal)) {
        ctx.addIssue({ code: 'custom', message: `expected a folder relative to ${what}, got the absolute path ${quote(p)}` });
      } else if (normal === '..' || normal.startsWith('../')) {
        ctx.addIssue({ code: 'custom', message: `expected a folder inside ${what}, got ${quote(p)}, which leaves it` });
      } else if (p.includes('\0')) {
        ctx.addIssue({ code: 'custom', message: `expected a folder name without NUL characters, got ${quote(p)}` });
      }
    });

/**
 * A file-name glob (* ? [abc]) as the dump-dir catalog matches it: translated to a regular
 * expression, where each * can backtrack over the whole name. File names come from the
 * backup side, so the number of * is bounded (3 keeps the worst name to tens of ms), and a
 * [set] must be one a regular expression accepts, instead of failing every sweep later.
 */
export const fileGlobSchema = z
  .string()
  .min(1)
  .max(200)
  .superRefine((glob, ctx) => {
    const stars = glob.split('*').length - 1;
    if (stars > 3) ctx.addIssue({ code: 'custom', message: `expected at most 3 * in a pattern (each one multiplies the matching work on long names), got ${quote(glob)}` });
    for (const [, set] of glob.matchAll(/\[([^\]]*)\]/g)) {
      try {
        new RegExp(`[${set!.replace(/\\/g, '\\\\')}]`);
      } catch {
        ctx.addIssue({ code: 'custom', message: `expected a valid [set] such as [0-9] or [ab], got [${set}] in ${quote(glob)}` });
      }
    }
  });
