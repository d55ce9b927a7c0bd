import type { Clock, Logger } from '../domain/index.js';
import type { EventRecorder } from '../events/index.js';
import type { RegionStore } from '../providers/index.js';
import type { CopyRecord, CopyRegistryStore } from './copy-registry.js';
import { copyId } from './copy-registry.js';
import { createHash } from 'node:crypto';

export interface VerifyResult {
  checked: number;
  bad: { region: string; key: string; problem: string }[];
}

/**
 * Re-hashes copies and compares them with what was verified when they were written:
 * bit rot and tampering show up here, before a drill needs the copy. `sample` spreads the
 * I/O: the copies verified longest ago go first.
 */
export async function verifyCopies(
  deps: { registry: CopyRegistryStore; store(region: string): RegionStore; events: EventRecorder; clock: Clock; logger: Logger; signal?: AbortSignal },
  opts: { sample?: number; resources?: readonly string[]; pace?: (bytes: number, signal?: AbortSignal) => Promise<void> } = {},
): Promise<VerifyResult> {
  const reg = await deps.registry.read();
  const records = Object.values(reg)
    .filter((r) => r.sha256 && (!opts.resources || opts.resources.includes(r.resource)))
    .sort((a, b) => a.verifiedAt.localeCompare(b.verifiedAt));
  const chosen = opts.sample ? records.slice(0, opts.sample) : records;
  const result: VerifyResult = { checked: 0, bad: [] };
  const updates: CopyRecord[] = [];
  for (const rec of chosen) {
    const store = deps.store(rec.region);
    const head = await store.stat(rec.key);
    let problem: string | undefined;
    deps.signal?.throwIfAborted();
    if (!head) problem = 'copy is gone';
    else if (head.notFile) problem = `${rec.key} ${head.notFile}: not a copy any more`;
    else if (head.size !== rec.size) problem = `size is ${head.size}, was ${rec.size} when verified`;
    else {
      const hash = createHash('sha256');
      try {
        for await (const c of await store.open(rec.key)) {
          hash.update(c as Buffer);
          await opts.pace?.((c as Buffer).length, deps.signal);
        }
        const now = hash.digest('hex');
        if (now !== rec.sha256) problem = `content changed: sha256 ${now.slice(0, 12)}…, was ${rec.sha256.slice(0, 12)}… when verified`;
      } catch (err) {
        if (deps.signal?.aborted) throw err;
        problem = `unreadable: ${(err as Error).message}`;
      }
    }
    result.checked++;
    const at = deps.clock.now().toISOString();
    updates.push({ ...rec, verifiedAt: at, ok: !problem, problem, mtimeMs: head ? Math.floor(head.mtimeMs) : rec.mtimeMs });
    await deps.events.record('copy.verified', rec.resource, { region: rec.region, key: rec.key, ok: !problem, problem: problem ?? null, sha256: rec.sha256 });
    if (problem) {
      result.bad.push({ region: rec.region, key: rec.key, problem });
      deps.logger.error({ region: rec.region, key: rec.key }, `copy ${rec.key} in ${rec.region}: ${problem}`);
    }
  }
  await deps.registry.update((r) => {
    for (const u of updates) r[copyId(u.region, u.key)] = u;
  });
  return result;
}
