import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FILE_KINDS, jsonSchemaFor, type FileKind, manifestSchema } from '../config/index.js';
import { LifeboatError } from '../domain/index.js';
import { EXIT, type CliContext } from './context.js';
import { jsonText } from './json-error.js';

/** lifeboat schema: JSON Schema per file kind, for editors (yaml-language-server) to autocomplete. */
export async function schemaCommand(ctx: CliContext, opts: { out: string; kind?: string; json?: boolean }): Promise<number> {
  const all = { ...Object.fromEntries(Object.keys(FILE_KINDS).map((k) => [k, () => jsonSchemaFor(k as FileKind)])), manifest: () => z.toJSONSchema(manifestSchema, { io: 'input' }) };
  if (opts.kind) {
    const make = all[opts.kind as keyof typeof all];
    if (!make) throw new LifeboatError('USAGE', `unknown schema kind ${opts.kind}: expected one of ${Object.keys(all).join(', ')}`);
    ctx.out(JSON.stringify(make(), null, 2));
    return EXIT.ok;
  }
  await mkdir(opts.out, { recursive: true });
  const wrote: string[] = [];
  for (const [kind, make] of Object.entries(all)) {
    const file = path.join(opts.out, kind === 'manifest' ? 'manifest.schema.json' : FILE_KINDS[kind as FileKind].file);
    await writeFile(file, `${JSON.stringify(make(), null, 2)}\n`);
    wrote.push(file);
  }
  ctx.out(opts.json ? jsonText({ wrote }) : wrote.map((f) => `wrote ${f}`).join('\n'));
  return EXIT.ok;
}
