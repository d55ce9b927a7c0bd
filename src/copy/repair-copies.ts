import type { CopyPolicy, LoadedConfig } from '../config/index.js';
import { messageOf, type Logger } from '../domain/index.js';
import type { EventRecorder } from '../events/index.js';
import { listAll, type RegionStore } from '../providers/index.js';
import { sha256Of } from './hash-stream.js';
import { copyId, type CopyRegistryStore } from './copy-registry.js';
import { resourcesOf } from './resources-of.js';

export interface Repair {
  region: string;
  key: string;
  action: 'finished' | 'removed-partial' | 'sealed';
}

/** The folder (a store prefix: '' or ending in '/') a resource's copies land in, in every region. */
export const copyFolder = (resourcePath: string) =>
  resourcePath
    .split(/[\\/]+/)
    .filter((p) => p && p !== '.')
    .map((p) => `${p}/`)
    .join('');

/**
 * Finds what an interrupted publish left in each copy destination and finishes it: a final
 * name that is already the partial's file (killed between link and unlink) is made
 * read-only and the partial removed; a partial beside a different final is removed (the
 * final is never touched); a verified copy left writable is re-hashed and sealed. A lone
 * partial is left to be resumed. Runs before every copy pass, so also on start.
 */
export async function repairCopies(deps: { config: LoadedConfig; events: EventRecorder; logger: Logger; registry: CopyRegistryStore; store(region: string): RegionStore }, opts: { policy?: string } = {}): Promise<Repair[]> {
  const done: Repair[] = [];
  const seen = new Set<string>();
  const reg = await deps.registry.read();
  const policies: CopyPolicy[] = (deps.config.estate.copies ?? []).filter((p) => !opts.policy || p.name === opts.policy);
  for (const policy of policies) {
    for (const resource of resourcesOf(policy, deps.config)) {
      for (const to of policy.to) {
        const folder = copyFolder(resource.path);
        if (to === resource.region || seen.has(`${to}:${folder}`)) continue;
        seen.add(`${to}:${folder}`);
        const store = deps.store(to);
        const note = async (key: string, action: Repair['action']) => {
          done.push({ region: to, key, action });
          await deps.events.record('copy.repaired', resource.id, { region: to, key, action });
          deps.logger.warn({ region: to, key, action }, `copy ${key} in ${to}: interrupted publish repaired (${action})`);
        };
        try {
          for (const l of await store.leftovers(folder)) {
            if (l.final === 'same') {
              await store.seal(l.key);
              await note(l.key, 'finished');
            } else if (l.final === 'other') {
              await store.discardPartial(l.key);
              await note(l.key, 'removed-partial');
            }
          }
          for await (const o of listAll(store, folder)) {
            const rec = reg[copyId(to, o.key)];
            if (!o.writable || !rec?.ok || !rec.sha256 || rec.size !== o.size) continue;
            // A verified copy left writable: sealed only while its bytes are still the verified ones.
            if ((await sha256Of(await store.open(o.key))).hex !== rec.sha256) continue;
            await store.seal(o.key);
            await note(o.key, 'sealed');
          }
        } catch (err) {
          deps.logger.warn({ region: to, folder, err: messageOf(err) }, `copy repair in ${to}/${folder} could not finish`);
        }
      }
    }
  }
  return done;
}
