import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sandboxLeftovers } from './databases.js';

/**
 * A drill with a name no other test uses, written into an estate made by drillEstate: its
 * sandbox database is lbdrill_<name>_…, so leftovers are told apart from other runs on the shared servers.
 */
export async function ownDrill(dir: string, prefix: string, body: string): Promise<string> {
  const name = `${prefix}${randomBytes(3).toString('hex')}`;
  await writeFile(path.join(dir, 'drills', `${name}.yaml`), body);
  return name;
}

/** Sandbox databases on a test server left by this drill (users are per run, named from the run id, which holds the drill name). */
export async function leftoversOf(server: 'maria' | 'pg', drill: string): Promise<string[]> {
  const slug = drill.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 20);
  return (await sandboxLeftovers(server)).filter((n) => n.startsWith(`lbdrill_${slug}_`));
}
