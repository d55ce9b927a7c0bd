import { MANIFEST_SUFFIX, type CopyPolicy, type Resource } from '../config/index.js';
import { mapLimit, messageOf, stopwatch } from '../domain/index.js';
import type { EvidenceDeps } from '../freshness/index.js';
import { type BackupRef, type RegionStore, type StorageClass } from '../providers/index.js';
import { copyObject, type CopyOutcome } from './copy-file.js';
import { copyId, copyKey, type CopyRecord, type CopyRegistryStore } from './copy-registry.js';
import { repairCopies } from './repair-copies.js';
import { resourcesOf } from './resources-of.js';

export interface CopyDeps extends EvidenceDeps {
  registry: CopyRegistryStore;
  store(region: string): RegionStore;
  signal?: AbortSignal;
  onProgress?: (p: { file: string; bytes: number; total: number }) => void;
  /** Called before each copy starts: throws to stop the pass (a newer attempt of its job holds the slot). */
  beforeCopy?: () => Promise<void>;
}

export interface CopyTaskResult {
  policy: string;
  resource: string;
  from: string;
  to: string;
  key: string;
  outcome: CopyOutcome['kind'] | 'error';
  detail?: string;
  bytes: number;
  durationMs: number;
  /** The policy's storage class the copy was written with. */
  storageClass: StorageClass;
}

export { resourcesOf };

/**
 * One pass of every (or one) copy policy: for each resource and destination, the newest
 * `keep` usable backups (with their manifests) are copied and verified. Each copy, skip
 * of an identical copy, and conflict is ledgered; nothing at a destination is replaced.
 */
export async function runCopies(deps: CopyDeps, opts: { policy?: string } = {}): Promise<CopyTaskResult[]> {
  // Whatever an interrupted earlier pass left half-published is finished or removed first.
  await repairCopies(deps, opts);
  const policies = (deps.config.estate.copies ?? []).filter((p) => !opts.policy || p.name === opts.policy);
  const tasks: { policy: CopyPolicy; resource: Resource; backup: BackupRef; sha256?: string; to: string }[] = [];
  for (const policy of policies) {
    for (const resource of resourcesOf(policy, deps.config)) {
      const usable: { backup: BackupRef; sha256?: string }[] = [];
      for (const b of await deps.catalog.list(resource)) {
        if (usable.length >= policy.keep) break;
        const v = await deps.inspector.inspect(b, deps.signal);
        if (v.usable) usable.push({ backup: b, sha256: v.sha256 });
      }
      for (const to of policy.to) if (to !== resource.region) for (const u of usable) tasks.push({ policy, resource, ...u, to });
    }
  }
  const results: CopyTaskResult[] = [];
  const parallel = Math.max(1, ...policies.map((p) => p.parallel));
  await mapLimit(tasks, parallel, async (t) => {
    deps.signal?.throwIfAborted();
    await deps.beforeCopy?.();
    results.push(await copyOne(deps, t));
  });
  return results;
}

async function copyOne(deps: CopyDeps, t: { policy: CopyPolicy; resource: Resource; backup: BackupRef; sha256?: string; to: string }): Promise<CopyTaskResult> {
  const src = deps.store(t.resource.region);
  const dst = deps.store(t.to);
  const key = copyKey(t.resource.path, t.backup.name);
  const elapsed = stopwatch();
  const base = { policy: t.policy.name, resource: t.resource.id, from: t.resource.region, to: t.to, key, storageClass: t.policy.storageClass };
  let bytes = 0;
  try {
    const outcome = await copyObject(
      src,
      dst,
      { key, size: t.backup.size, mtime: t.backup.modifiedAt, expectedSha256: t.backup.manifest?.sha256, storageClass: t.policy.storageClass, streamOnly: t.policy.method === 'stream', knownSha256: t.sha256 },
      (n) => {
        bytes += n;
        deps.onProgress?.({ file: key, bytes, total: t.backup.size });
      },
      deps.signal,
    );
    // The manifest travels with its backup, under the same write-once rules.
    let manifestOutcome: CopyOutcome | undefined;
    if (t.backup.manifest && (outcome.kind === 'copied' || outcome.kind === 'already')) {
      const mKey = key + MANIFEST_SUFFIX;
      const head = await src.stat(mKey);
      if (head) manifestOutcome = await copyObject(src, dst, { key: mKey, size: head.size, mtime: new Date(head.mtimeMs), storageClass: t.policy.storageClass });
      if (manifestOutcome) await register(deps, t, mKey, manifestOutcome, manifestOutcome.kind === 'conflict' ? manifestOutcome.reason : undefined);
    }
    const durationMs = elapsed();
    const problem = outcome.kind === 'conflict' || outcome.kind === 'source-bad' ? outcome.reason : manifestOutcome?.kind === 'conflict' ? `manifest: ${manifestOutcome.reason}` : undefined;
    await record(deps, t, key, outcome, problem, durationMs);
    if (problem) deps.logger.error({ resource: t.resource.id, to: t.to, key }, `copy ${key} → ${t.to}: ${problem} (left untouched)`);
    return { ...base, outcome: outcome.kind, detail: problem, bytes: outcome.kind === 'copied' ? outcome.bytes : 0, durationMs };
  } catch (err) {
    if (deps.signal?.aborted) throw err;
    deps.logger.error({ resource: t.resource.id, to: t.to, key, err: messageOf(err) }, 'copy failed');
    return { ...base, outcome: 'error', detail: messageOf(err), bytes, durationMs: elapsed() };
  }
}

async function record(deps: CopyDeps, t: { policy: CopyPolicy; resource: Resource; backup: BackupRef; to: string }, key: string, outcome: CopyOutcome, problem: string | undefined, durationMs: number) {
  const type = outcome.kind === 'copied' ? 'copy.completed' : outcome.kind === 'already' ? 'copy.already-present' : outcome.kind === 'conflict' ? 'copy.conflict' : 'copy.source-bad';
  await deps.events.record(type, t.resource.id, {
    from: { region: t.resource.region, key },
    to: { region: t.to, key },
    storageClass: (await storageClassOf(deps, t, key, outcome)) ?? null,
    size: t.backup.size,
    sha256: 'sha256' in outcome ? outcome.sha256 : null,
    durationMs,
    verified: outcome.kind === 'copied' || outcome.kind === 'already',
    resumedFrom: outcome.kind === 'copied' ? outcome.resumedFrom : null,
    problem: problem ?? null,
  });
  await register(deps, t, key, outcome, problem);
}

/** Remembers what is now at the destination: verified content, or the problem with it. */
async function register(deps: CopyDeps, t: { policy: CopyPolicy; resource: Resource; backup: BackupRef; to: string }, key: string, outcome: CopyOutcome, problem: string | undefined) {
  const now = deps.clock.now().toISOString();
  const head = await deps.store(t.to).stat(key);
  if (!head || outcome.kind === 'source-bad') return;
  const storageClass = await storageClassOf(deps, t, key, outcome);
  await deps.registry.update((reg) => {
    const rec: CopyRecord = {
      resource: t.resource.id,
      region: t.to,
      key,
      size: head.size,
      mtimeMs: Math.floor(head.mtimeMs),
      sha256: 'sha256' in outcome ? outcome.sha256 : '',
      backupTime: t.backup.time.toISOString(),
      backupTimeSource: t.backup.timeSource,
      storageClass,
      verifiedAt: now,
      ok: !problem,
      problem,
    };
    reg[copyId(t.to, key)] = rec;
  });
}

/**
 * The storage class a destination copy has: the policy's for a copy written now; for one found
 * already present, the class recorded when lifeboat wrote it (else the policy's, what it was to
 * be written with); none when nothing of the source was published (a conflict, a bad source).
 */
async function storageClassOf(deps: CopyDeps, t: { policy: CopyPolicy; to: string }, key: string, outcome: CopyOutcome): Promise<StorageClass | undefined> {
  if (outcome.kind === 'copied') return t.policy.storageClass;
  if (outcome.kind !== 'already') return undefined;
  return (await deps.registry.read())[copyId(t.to, key)]?.storageClass ?? t.policy.storageClass;
}
