import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedConfig } from '../config/index.js';

/**
 * The demo's webhook signing secret: a file under the demo root, made on first use by whichever runs first
 * (`lifeboat start` or `lifeboat alerts inbox`), random per checkout, never in the repository.
 */
export async function ensureDemoSecrets(config: LoadedConfig): Promise<void> {
  const demo = config.estate.demo;
  if (!demo) return;
  const root = path.resolve(config.baseDir, demo.root);
  for (const route of Object.values(config.estate.alertRoutes ?? {})) {
    if (route.kind !== 'webhook' || !route.secret || !('file' in route.secret)) continue;
    const file = path.resolve(config.baseDir, route.secret.file);
    if (path.relative(root, file).startsWith('..')) continue;
    await mkdir(path.dirname(file), { recursive: true });
    // 'wx': never replaces a secret the other process just made.
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}
