import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { LifeboatError } from '../domain/index.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { checkCrossReferences, type RawFile } from './cross-refs.js';
import { deepFreeze } from './deep-freeze.js';
import { drillSchema, type Drill } from './schemas/drill.js';
import { estateSchema, type Estate, type Resource } from './schemas/estate.js';
import { scheduleSchema, type Schedule } from './schemas/schedule.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';
import { issuesFromZod } from './zod-issues.js';

export interface LoadedConfig {
  /** Absolute path of lifeboat.yaml; every relative path in the estate is read from its folder. */
  estateFile: string;
  baseDir: string;
  estate: Estate;
  resources: ReadonlyMap<string, Resource>;
  drills: ReadonlyMap<string, Drill & { file: string }>;
  schedules: ReadonlyMap<string, Schedule & { file: string }>;
  ledgerDir: string;
  stateDir: string;
  /** Absolute root of each region (local regions only, today). */
  regionRoots: ReadonlyMap<string, string>;
}

/** Loads and validates the whole tree (estate, drills, schedules); throws one ConfigError listing every problem. */
export async function loadConfig(estateFile: string): Promise<LoadedConfig> {
  const absFile = path.resolve(estateFile);
  const baseDir = path.dirname(absFile);
  const display = (p: string) => path.relative(process.cwd(), p) || p;
  const issues: ConfigIssue[] = [];

  let text: string;
  try {
    text = await readFile(absFile, 'utf8');
  } catch (err) {
    throw new LifeboatError('CONFIG_NOT_FOUND', `cannot read estate file ${display(absFile)}: ${(err as Error).message}`, { cause: err });
  }
  const estateSource = parseYamlSource(display(absFile), text);
  issues.push(...estateSource.issues);
  const estate = validate(estateSource, estateSchema, issues);

  const drillsDir = path.resolve(baseDir, estate?.paths?.drills ?? 'drills');
  const schedulesDir = path.resolve(baseDir, estate?.paths?.schedules ?? 'schedules');
  const drills = await loadKind(drillsDir, drillSchema, issues, display);
  const schedules = await loadKind(schedulesDir, scheduleSchema, issues, display);

  issues.push(...checkCrossReferences({ source: estateSource }, drills.map((d) => d.raw), schedules.map((s) => s.raw)));
  if (issues.length || !estate) throw new ConfigError(sortByPlace(issues, [estateSource.file, ...drills.map((d) => d.raw.source.file), ...schedules.map((x) => x.raw.source.file)]));

  const regionRoots = new Map(Object.entries(estate.regions).map(([id, r]) => [id, path.resolve(baseDir, r.path)]));
  return deepFreeze({
    estateFile: absFile,
    baseDir,
    estate,
    resources: new Map(estate.resources.map((r) => [r.id, r])),
    drills: new Map(drills.map((d) => [d.raw.name!, { ...(d.value as Drill), name: d.raw.name!, file: d.raw.source.file }])),
    schedules: new Map(schedules.map((s) => [s.raw.name!, { ...(s.value as Schedule), name: s.raw.name!, file: s.raw.source.file }])),
    ledgerDir: path.resolve(baseDir, estate.ledger?.dir ?? '.lifeboat/ledger'),
    stateDir: path.resolve(baseDir, estate.stateDir ?? '.lifeboat/state'),
    regionRoots,
  });
}

function validate<S extends z.ZodType>(src: YamlSource, schema: S, issues: ConfigIssue[]): z.output<S> | undefined {
  if (src.issues.length) return undefined;
  if (src.data === undefined || src.data === null) {
    issues.push({ file: src.file, line: 1, column: 1, path: '', message: 'the file is empty: expected a YAML mapping' });
    return undefined;
  }
  const result = schema.safeParse(src.data);
  if (result.success) return result.data;
  issues.push(...issuesFromZod(src, result.error));
  return undefined;
}

/** Every file of one kind in a folder: parsed, validated, and named (by name: or else by file name). */
async function loadKind<S extends z.ZodType>(dir: string, schema: S, issues: ConfigIssue[], display: (p: string) => string) {
  const out: { raw: RawFile; value?: z.output<S> }[] = [];
  for (const file of await yamlFiles(dir)) {
    const source = parseYamlSource(display(file), await readFile(file, 'utf8'));
    issues.push(...source.issues);
    const value = validate(source, schema, issues);
    const declared = (source.data as { name?: unknown } | undefined)?.name;
    out.push({ raw: { source, name: typeof declared === 'string' ? declared : baseName(file) }, value });
  }
  return out;
}

async function yamlFiles(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => path.join(dir, n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Files in the order they were read, then top to bottom within each. */
function sortByPlace(issues: ConfigIssue[], readOrder: string[]): ConfigIssue[] {
  const fileOrder = new Map(readOrder.map((f, i) => [f, i]));
  return [...issues].sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

const baseName = (file: string) => path.basename(file).replace(/\.ya?ml$/, '');
