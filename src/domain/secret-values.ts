/**
 * The secret values this process has loaded (credentials resolved from the environment or
 * files, passwords in URLs), so the logger can keep them out of every line whatever field,
 * message or error they hide in. Process-wide on purpose: a secret resolved anywhere is
 * hidden everywhere.
 */
const known = new Set<string>();

/** Shorter values are not hidden by value: they would blank ordinary words out of every line. */
export const MIN_HIDDEN_SECRET_LENGTH = 4;

export function rememberSecret(value: string | undefined): void {
  if (value && value.length >= MIN_HIDDEN_SECRET_LENGTH) known.add(value);
}

export function knownSecrets(): ReadonlySet<string> {
  return known;
}
