import path from 'node:path';
import { LifeboatError, rememberSecret } from '../domain/index.js';
import { readConfigFile } from './read-config-file.js';
import type { SecretRef } from './schemas/common.js';
import type { Estate } from './schemas/estate.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads a secret from where its reference points. Errors name the profile, the field and
 * the variable or file, never the value. A trailing newline in a secret file is dropped,
 * as editors and `echo` add one.
 */
export async function resolveSecret(ref: SecretRef, where: string, env: Env, baseDir: string): Promise<string> {
  if ('env' in ref) {
    const v = env[ref.env];
    // Set but empty is a choice (local test servers); unset is a mistake.
    if (v === undefined) throw new LifeboatError('SECRET_UNAVAILABLE', `${where}: environment variable ${ref.env} is not set`);
    // Known to the logger from now on: no log line prints it, whatever field or message carries it.
    rememberSecret(v);
    return v;
  }
  const file = path.resolve(baseDir, ref.file);
  // Read like a config file: a FIFO or a device named as a secret would otherwise hang or flood every command.
  const read = await readConfigFile(file, MAX_SECRET_BYTES);
  if (!read.ok) {
    const why = `it ${read.reason.replace(/config/g, 'secret').replace(/ \(raise it with [^)]*\)/, '')}`;
    throw new LifeboatError('SECRET_UNAVAILABLE', `${where}: cannot read secret file ${file}: ${read.code ? `${read.code} (${why})` : why}`);
  }
  const secret = read.text.replace(/\r?\n$/, '');
  rememberSecret(secret);
  return secret;
}

/** Passwords, tokens and keys are short; a larger "secret" is the wrong file. */
const MAX_SECRET_BYTES = 64 * 1024;

/** Every secret reference in the estate, with where it is, so a run can say up front which are missing. */
export function secretRefsOf(estate: Estate): { where: string; ref: SecretRef }[] {
  const out: { where: string; ref: SecretRef }[] = [];
  const isRef = (v: unknown): v is SecretRef => !!v && typeof v === 'object' && ('env' in v || 'file' in v);
  const walk = (prefix: string, obj: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(obj)) if (isRef(v)) out.push({ where: `${prefix}.${k}`, ref: v });
  };
  for (const [name, c] of Object.entries(estate.credentials ?? {})) walk(`credentials.${name}`, c as Record<string, unknown>);
  for (const [name, r] of Object.entries(estate.alertRoutes ?? {})) walk(`alertRoutes.${name}`, r as Record<string, unknown>);
  if (estate.ledger?.signingKey) out.push({ where: 'ledger.signingKey', ref: estate.ledger.signingKey });
  if (estate.ledger?.backend === 'postgres' && estate.ledger.url) out.push({ where: 'ledger.url', ref: estate.ledger.url });
  if (estate.state?.kind === 'postgres') out.push({ where: 'state.url', ref: estate.state.url });
  return out;
}

/** The references that cannot be resolved here and now; an empty list when all can. */
export async function unresolvedSecrets(estate: Estate, env: Env, baseDir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const { where, ref } of secretRefsOf(estate)) {
    await resolveSecret(ref, where, env, baseDir).catch((err: Error) => problems.push(err.message));
  }
  return problems;
}
