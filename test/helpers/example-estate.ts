import { cp } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './cli.js';

/** Copies the repo's example estate (lifeboat.yaml, schedules/, drills/) into dir, as a newcomer's clone would have it. */
export async function copyExampleEstate(dir: string): Promise<string> {
  await cp(path.join(REPO_ROOT, 'lifeboat.yaml'), path.join(dir, 'lifeboat.yaml'));
  await cp(path.join(REPO_ROOT, 'schedules'), path.join(dir, 'schedules'), { recursive: true });
  await cp(path.join(REPO_ROOT, 'drills'), path.join(dir, 'drills'), { recursive: true });
  return dir;
}
