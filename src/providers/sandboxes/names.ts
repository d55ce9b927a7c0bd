import { randomBytes } from 'node:crypto';
import { LifeboatError } from '../../domain/index.js';
import type { Lease } from './types.js';

/**
 * Database and user names for one run: recognisably lifeboat's, unique, and short enough
 * for MySQL (user 32) and PostgreSQL (63). A sandbox's `namePrefix` (an installation's own
 * mark, at most 8 characters) goes after `lbdrill_`/`lbrun_`, not in their place, so every
 * name still matches the admin's grants on `lbdrill\_%` and the drop check below.
 */
export function sandboxNames(drill: string, runId: string, namePrefix?: string): { database: string; user: string } {
  const slug = drill
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 20);
  const tag = runId
    .replace(/[^a-z0-9]/gi, '')
    .slice(-10)
    .toLowerCase();
  const mark = namePrefix ? `${namePrefix}_` : '';
  return { database: `lbdrill_${mark}${slug}_${tag}`, user: `lbrun_${mark}${tag}` };
}

export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Only names lifeboat made may be dropped: a last check before any DROP. */
export function isLifeboatName(name: string): boolean {
  return /^lbdrill_[a-z0-9_]+$/.test(name) || /^lbrun_(?:[a-z0-9]+_)?[a-z0-9]+$/.test(name);
}

/** Safety rule 4 at the last step: refuses to drop what a lease names unless lifeboat made those names. */
export function assertDroppable(lease: Lease): void {
  if (!isLifeboatName(lease.database) || (lease.user && !isLifeboatName(lease.user))) {
    throw new LifeboatError('INTERNAL', `refusing to drop ${lease.database}/${lease.user}: not a name lifeboat creates`);
  }
}
