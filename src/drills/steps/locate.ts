import type { Drill, Resource } from '../../config/index.js';
import { LifeboatError } from '../../domain/index.js';
import type { BackupDeps } from '../../freshness/index.js';
import type { SandboxProvider } from '../../providers/index.js';
import { engineOfDump } from '../engine-of-dump.js';
import { selectBackup, type Selected } from '../select-backup.js';
import type { StepOutput } from './step-output.js';

/**
 * The backup the drill restores: the selector's choice, usable, and of the sandbox's engine.
 * The dry run calls this too, so a dry run and a run cannot disagree about the backup.
 */
export async function locateBackup(i: { drill: Drill; resource: Resource; provider: SandboxProvider; deps: BackupDeps & { random: () => number }; now: Date; signal?: AbortSignal }): Promise<Selected & { engine?: string }> {
  const sel = await selectBackup(i.drill, i.resource, { ...i.deps, now: i.now, signal: i.signal });
  const engine = await engineOfDump(sel.backup, i.deps.store);
  if (engine && engine !== i.provider.engine) throw new LifeboatError('CONFIG_INVALID', `backup ${sel.backup.name} is a ${engine} dump but sandbox ${i.drill.sandbox} is ${i.provider.kind}`);
  return { ...sel, engine };
}

export async function locate(i: Parameters<typeof locateBackup>[0]): Promise<StepOutput<Selected>> {
  const sel = await locateBackup(i);
  return { value: sel, details: { backup: sel.backup.name, skipped: sel.skipped } };
}
