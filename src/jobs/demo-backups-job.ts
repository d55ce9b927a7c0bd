import { writeDemoBackups } from '../demo/index.js';
import type { JobHandler } from './types.js';

export const demoBackupsJob: JobHandler = async ({ runtime }) => {
  const files = await writeDemoBackups(runtime.config, runtime);
  return { ok: true, summary: `${files} new demo backup(s)` };
};
