import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { LifeboatError } from '../domain/errors.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { checkCrossReferences, type Located } from './cross-refs.js';
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
  const drills: Located<Drill>[] = [];
  const drillFileNames = new Set<string>();
  for (const file of await yamlFiles(drillsDir)) {
    const src = parseYamlSource(display(file), await readFile(file, 'utf8'));
    issues.push(...src.issues);
    const fromName = baseName(file);
    drillFileNames.add(fromName);
    const d = validate(src, drillSchema, issues);
    if (d) drills.push({ value: { ...d, name: d.name ?? fromName }, source: src });
  }
  const schedules: Located<Schedule>[] = [];
  for (const file of await yamlFiles(schedulesDir)) {
    const src = parseYamlSource(display(file), await readFile(file, 'utf8'));
    issues.push(...src.issues);
    const s = validate(src, scheduleSchema, issues);
    if (s) schedules.push({ value: { ...s, name: s.name ?? baseName(file) }, source: src });
  }

  if (estate) issues.push(...checkCrossReferences({ value: estate, source: estateSource }, drills, schedules, drillFileNames));
  if (issues.length || !estate) throw new ConfigError(issues);

  const regionRoots = new Map(Object.entries(estate.regions).map(([id, r]) => [id, path.resolve(baseDir, r.path)]));
  return deepFreeze({
    estateFile: absFile,
    baseDir,
    estate,
    resources: new Map(estate.resources.map((r) => [r.id, r])),
    drills: new Map(drills.map((d) => [d.value.name, { ...d.value, file: d.source.file }])),
    schedules: new Map(schedules.map((s) => [s.value.name, { ...s.value, file: s.source.file }])),
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

async function yamlFiles(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => path.join(dir, n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

const baseName = (file: string) => path.basename(file).replace(/\.ya?ml$/, '');
