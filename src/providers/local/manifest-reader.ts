import { constants as C } from 'node:fs';
import { manifestSchema, type Manifest } from '../../config/index.js';
import { openNoFollow } from './safe-fs.js';

export type ManifestRead = { manifest: Manifest; error?: undefined } | { manifest?: undefined; error: string };

/** A manifest is a few KiB; anything much larger is not one, and is not read into memory. */
const MAX_MANIFEST_BYTES = 16 << 20;

/** Reads and validates a sidecar manifest (never through a link); a broken one is a reason, never an exception. */
export async function readManifest(file: string): Promise<ManifestRead> {
  let text: string;
  try {
    const fh = await openNoFollow(file, C.O_RDONLY);
    try {
      const st = await fh.stat();
      if (!st.isFile()) return { error: 'manifest unreadable: not a plain file' };
      if (st.size > MAX_MANIFEST_BYTES) return { error: `manifest unreadable: ${st.size} bytes, more than a manifest can be` };
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    return { error: `manifest unreadable: ${(err as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { error: `manifest is not valid JSON: ${(err as Error).message}` };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    return { error: `manifest field ${first.path.join('.') || '(root)'}: ${first.message}` };
  }
  return { manifest: parsed.data };
}
