import { LifeboatError } from '../domain/index.js';
import type { Score } from '../scoring/index.js';
import type { RunPhase } from './types.js';

/** Errors that mean the backup or its restore failed (a drill result), not that lifeboat could not run. */
const FAILURE_CODES = new Set(['DUMP_UNPARSEABLE', 'DUMP_REFUSED', 'RESTORE_FAILED', 'BACKUP_UNREADABLE', 'DRILL_TIMEOUT']);

/**
 * A finished drill's phase, from what happened; every transition out of `running` is here.
 * - abandoned: a newer attempt of its job holds the slot;
 * - error: lifeboat could not run it (a server down, a config problem): retried or fixed, not scored;
 * - failed: the backup did not come back (unusable, refused, the restore failed or ran out of time);
 * - partially-failed: the data came back, but a check or a target failed;
 * - inconclusive: the data came back and nothing failed, but no completeness check ran;
 * - passed.
 */
export function phaseOf(i: { failure: unknown; score?: Score; restored: boolean }): Exclude<RunPhase, 'running'> {
  const f = i.failure;
  if (f instanceof LifeboatError && f.code === 'SLOT_SUPERSEDED') return 'abandoned';
  if (f && !(f instanceof LifeboatError && FAILURE_CODES.has(f.code))) return 'error';
  if (f || !i.score) return 'failed';
  if (i.score.outcome === 'failed') return i.restored ? 'partially-failed' : 'failed';
  return i.score.outcome;
}
