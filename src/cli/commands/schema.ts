import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FILE_KINDS, jsonSchemaFor, type FileKind, manifestSchema } from '../../config/index.js';
import { webhookPayloadSchema } from '../../alerts/index.js';
import { EXIT, type CliContext } from '../context.js';
import { jsonText } from '../json-error.js';
import { defineCommand } from './define.js';
import { flag } from './options.js';

/** The kinds `lifeboat schema --kind` prints: each estate file kind, the manifest a dump carries, and the webhook alerts' body. */
const SCHEMA_KINDS: readonly string[] = [...Object.keys(FILE_KINDS), 'manifest', 'webhook'];
const EXTRA_FILES: Record<string, string> = { manifest: 'manifest.schema.json', webhook: 'webhook.schema.json' };

/** lifeboat schema: JSON Schema per file kind, for editors (yaml-language-server) to autocomplete. */
async function schemaCommand(ctx: CliContext, opts: { out: string; kind?: string; json?: boolean }): Promise<number> {
  const all: Record<string, () => unknown> = {
    ...Object.fromEntries(Object.keys(FILE_KINDS).map((k) => [k, () => jsonSchemaFor(k as FileKind)])),
    manifest: () => z.toJSONSchema(manifestSchema, { io: 'input' }),
    webhook: () => z.toJSONSchema(webhookPayloadSchema, { io: 'output' }),
  };
  if (opts.kind) {
    ctx.out(JSON.stringify(all[opts.kind]!(), null, 2));
    return EXIT.ok;
  }
  await mkdir(opts.out, { recursive: true });
  const wrote: string[] = [];
  for (const [kind, make] of Object.entries(all)) {
    const file = path.join(opts.out, EXTRA_FILES[kind] ?? FILE_KINDS[kind as FileKind].file);
    await writeFile(file, `${JSON.stringify(make(), null, 2)}\n`);
    wrote.push(file);
  }
  ctx.out(opts.json ? jsonText({ wrote }) : wrote.map((f) => `wrote ${f}`).join('\n'));
  return EXIT.ok;
}

export const schema = defineCommand({
  path: ['schema'],
  description: 'write JSON Schema for each file kind (for editor autocompletion)',
  options: [
    { flags: '-o, --out <dir>', description: 'output folder', default: 'schemas' },
    { flags: '--kind <kind>', description: 'print one schema to stdout: estate, drill, schedule, manifest or webhook (the body alert webhooks send)' },
    { flags: '--json', description: 'machine-readable output' },
  ],
  schema: z.object({
    out: z.string(),
    kind: z
      .string()
      .refine((k) => SCHEMA_KINDS.includes(k), { error: (iss) => `unknown schema kind ${String(iss.input)}: expected one of ${SCHEMA_KINDS.join(', ')}` })
      .optional(),
    json: flag,
  }),
  run: (ctx, o) => schemaCommand(ctx, o),
});
