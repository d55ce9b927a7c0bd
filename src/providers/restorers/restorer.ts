import type { BackupRef } from '../types.js';
import type { RestoreStats, SandboxTarget } from '../sandboxes/types.js';

/**
 * How a backup becomes a database, apart from where it lands (the SandboxProvider): a dump
 * streamed into a server or PGlite today; a cloud clone from a backup or a disk made from a
 * snapshot are restorers of their own.
 */
export interface Restorer {
  readonly kind: string;
  /**
   * Restores `backup` into the opened sandbox. `expectedSha256` is what the fetch step
   * verified: bytes that differ by the time they are restored make the restore fail.
   */
  restore(backup: BackupRef, into: SandboxTarget, opts: { signal: AbortSignal; expectedSha256?: string; onProgress?: (p: { bytes: number; total: number }) => void }): Promise<RestoreStats>;
}
