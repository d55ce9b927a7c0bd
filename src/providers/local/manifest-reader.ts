import { readFile } from 'node:fs/promises';
import { manifestSchema, type Manifest } from '../../config/index.js';

export type ManifestRead = { manifest: Manifest; error?: undefined } | { manifest?: undefined; error: string };

/** Reads and validates a sidecar manifest; a broken one is a reason, never an exception. */
export async function readManifest(file: string): Promise<ManifestRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
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
