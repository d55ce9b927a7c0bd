import type { Logger } from '../../domain/index.js';
import type { BackupRef, Restorer, RestoreStats, SandboxTarget } from '../../providers/index.js';
import type { StepOutput } from './step-output.js';

/** The backup into the sandbox, by the drill's restorer. */
export async function restore(i: {
  backup: BackupRef;
  restorer: Restorer;
  target: SandboxTarget;
  expectedSha256?: string;
  signal: AbortSignal;
  onProgress?: (p: { bytes: number; total: number }) => void;
  log: Logger;
}): Promise<StepOutput<RestoreStats>> {
  const stats = await i.restorer.restore(i.backup, i.target, { signal: i.signal, expectedSha256: i.expectedSha256, onProgress: i.onProgress });
  const ownDatabase = stats.skippedByReason['own-database'] ?? 0;
  if (ownDatabase) i.log.warn({ statements: ownDatabase, database: stats.database }, `restore: statements naming the dump's own database ${stats.database} were not run (the sandbox database stands in for it)`);
  return { value: stats, details: { tool: stats.tool, restorer: i.restorer.kind, statements: stats.statements, database: stats.database ?? null, skipped: stats.skipped, skippedByReason: stats.skippedByReason } };
}
