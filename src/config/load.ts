import path from 'node:path';
import type { z } from 'zod';
import { LifeboatError } from '../domain/index.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { checkCrossReferences, type RawFile } from './cross-refs.js';
import { deepFreeze } from './deep-freeze.js';
import { currentConfigLimits, type ConfigLimits } from './limits.js';
import { readConfigFile } from './read-config-file.js';
import { idSchema } from './schemas/common.js';
import { drillSchema, type Drill } from './schemas/drill.js';
import { estateSchema, type Estate, type Resource } from './schemas/estate.js';
import { scheduleSchema, type Schedule } from './schemas/schedule.js';
import { readYamlFolder } from './yaml-folder.js';
import { parseYamlSource, unreadableSource, type YamlSource } from './yaml-source.js';
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

export interface LoadOptions {
  /** Size and parser limits for every file; default: the process's (set by the composition root). */
  limits?: ConfigLimits;
}

/** Loads and validates the whole tree (estate, drills, schedules); throws one ConfigError listing every problem. */
export async function loadConfig(estateFile: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const limits = options.limits ?? currentConfigLimits();
  const absFile = path.resolve(estateFile);
  const baseDir = path.dirname(absFile);
  // Relative to where the user stands, unless that means climbing out of it ("../../dev/zero").
  const display = (p: string) => {
    const rel = path.relative(process.cwd(), p);
    return rel && rel !== '..' && !rel.startsWith('../') ? rel : p;
  };
  const issues: ConfigIssue[] = [];

  const read = await readConfigFile(absFile, limits.maxFileBytes);
  if (!read.ok && read.missing) throw new LifeboatError('CONFIG_NOT_FOUND', `cannot read estate file ${display(absFile)}: it ${read.reason}`);
  const estateSource = read.ok ? parseYamlSource(display(absFile), read.text, limits) : unreadableSource(display(absFile), [{ file: display(absFile), path: '', message: read.reason }]);
  issues.push(...estateSource.issues);
  const estate = validate(estateSource, estateSchema, issues);

  const folder = async (field: 'drills' | 'schedules', schema: z.ZodType) => {
    const dir = path.resolve(baseDir, estate?.paths?.[field] ?? field);
    const { files, problem } = await readYamlFolder(dir, limits, display);
    if (problem) issues.push({ file: estateSource.file, ...estateSource.locate(['paths', field]), path: `paths.${field}`, message: problem });
    return files.map(({ file, source }) => parsed(source, file, schema, field === 'drills' ? 'drill' : 'schedule', issues));
  };
  const drills = await folder('drills', drillSchema);
  const schedules = await folder('schedules', scheduleSchema);

  issues.push(
    ...checkCrossReferences(
      { source: estateSource },
      drills.map((d) => d.raw),
      schedules.map((s) => s.raw),
    ),
  );
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

/** One drill or schedule file: validated, and named (by name: or else by its file name, which must be a valid name). */
function parsed(source: YamlSource, file: string, schema: z.ZodType, kind: string, issues: ConfigIssue[]) {
  issues.push(...source.issues);
  const value = validate(source, schema, issues);
  const fileName = baseName(file);
  if (!idSchema.safeParse(fileName).success) {
    issues.push({
      file: source.file,
      path: '',
      message: `the file name ${JSON.stringify(fileName)} is not a valid ${kind} name: expected lower-case letters, digits, '.', '_' or '-' (at most 63, starting with a letter or digit) before .yaml`,
    });
  }
  const declared = (source.data as { name?: unknown } | undefined)?.name;
  return { raw: { source, name: typeof declared === 'string' ? declared : fileName } as RawFile, value };
}

/** Files in the order they were read, then top to bottom within each. */
function sortByPlace(issues: ConfigIssue[], readOrder: string[]): ConfigIssue[] {
  const fileOrder = new Map(readOrder.map((f, i) => [f, i]));
  return [...issues].sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

const baseName = (file: string) => path.basename(file).replace(/\.ya?ml$/, '');
