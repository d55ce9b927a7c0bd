import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One PGlite sandbox and one resource, shop, in region bj: the smallest estate the config tests start from. */
export const SHOP_ESTATE = `version: 1
regions:
  bj: { kind: local, path: r }
sandboxes:
  pg: { kind: pglite }
resources:
  - id: shop
    kind: dump-dir
    region: bj
    path: shop
`;

/** Writes files (relative path to text) under dir, folders made on the way; returns the path of dir/lifeboat.yaml. */
export async function writeTree(dir: string, files: Record<string, string>): Promise<string> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return path.join(dir, 'lifeboat.yaml');
}
