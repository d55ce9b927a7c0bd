import { messageOf } from '../domain/index.js';
import { writeCanary } from '../providers/index.js';
import type { JobHandler } from './types.js';

/** Writes one heartbeat per resource with a source; the newest restored heartbeat gives a drill's real RPO. */
export const canaryJob: JobHandler = async ({ runtime }, schedule) => {
  const wanted = schedule.job === 'canary' && schedule.resources ? schedule.resources : [...runtime.config.resources.values()].filter((r) => r.source).map((r) => r.id);
  const at = runtime.clock.now();
  const failed: string[] = [];
  for (const id of wanted) {
    try {
      await writeCanary(await runtime.canaryTarget(id), at, `lifeboat:${id}`);
    } catch (err) {
      failed.push(id);
      runtime.logger.error({ resource: id, err: messageOf(err) }, `canary for ${id} failed`);
    }
  }
  return { ok: failed.length === 0, summary: `${wanted.length - failed.length}/${wanted.length} canary beats written`, details: { at: at.toISOString(), failed } };
};
