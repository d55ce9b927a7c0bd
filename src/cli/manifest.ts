import { access } from 'node:fs/promises';
import { manifestFromFile } from '../checks/index.js';
import { MANIFEST_SUFFIX } from '../config/schemas/manifest.js';
import { LifeboatError } from '../domain/errors.js';
import { writeFileAtomic } from '../fsutil/index.js';
import { EXIT, type CliContext } from './context.js';

export interface ManifestCommandOptions {
  at?: string;
  nameTime?: string;
  output?: string;
  force?: boolean;
  version: string;
}

/** lifeboat manifest FILE: writes FILE.manifest.json (or to -o, '-' for stdout). */
export async function manifestCommand(ctx: CliContext, file: string, opts: ManifestCommandOptions): Promise<number> {
  const at = opts.at === undefined ? undefined : new Date(opts.at);
  if (at && Number.isNaN(at.getTime())) throw new LifeboatError('USAGE', `--at: expected an ISO time such as 2026-11-22T02:00:00Z, got ${JSON.stringify(opts.at)}`);
  const manifest = await manifestFromFile(file, { at, nameTime: opts.nameTime, version: opts.version, now: ctx.clock.now() });
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  const target = opts.output ?? file + MANIFEST_SUFFIX;
  if (target === '-') {
    ctx.out(text.trimEnd());
    return EXIT.ok;
  }
  if (!opts.force && (await access(target).then(() => true, () => false))) {
    throw new LifeboatError('USAGE', `${target} already exists: a manifest is written once (use --force to replace it)`);
  }
  await writeFileAtomic(target, text, { durable: true });
  const rows = (manifest.tables ?? []).reduce((n, t) => n + t.rows, 0);
  ctx.out(`wrote ${target}: ${manifest.size} bytes, sha256 ${manifest.sha256}, ${manifest.tables?.length ?? 0} tables, ${rows} rows`);
  return EXIT.ok;
}
