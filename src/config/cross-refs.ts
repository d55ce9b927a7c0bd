import { formatPath, type ConfigIssue } from './config-error.js';
import type { Estate } from './schemas/estate.js';
import type { Drill } from './schemas/drill.js';
import type { Schedule } from './schemas/schedule.js';
import type { YamlSource } from './yaml-source.js';

export interface Located<T> {
  value: T;
  source: YamlSource;
}

/** Names that point at other things must point at something that exists, and ids must be unique. */
export function checkCrossReferences(
  estate: Located<Estate>,
  drills: Located<Drill>[],
  schedules: Located<Schedule>[],
  /** Drill names from every drill file, valid or not, so a schedule is not blamed for a drill's own error. */
  drillFileNames: ReadonlySet<string>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (src: YamlSource, path: PropertyKey[], message: string) => {
    issues.push({ file: src.file, ...src.locate(path), path: formatPath(path), message });
  };
  const e = estate.value;
  const regions = Object.keys(e.regions);
  const sandboxes = Object.keys(e.sandboxes ?? {});
  const routes = Object.keys(e.alertRoutes ?? {});
  const credentials = e.credentials ?? {};
  const oneOf = (names: string[]) => (names.length ? `one of ${names.join(', ')}` : 'none is defined');

  const seenIds = new Map<string, number>();
  e.resources.forEach((r, i) => {
    const first = seenIds.get(r.id);
    if (first !== undefined) at(estate.source, ['resources', i, 'id'], `duplicate resource id "${r.id}" (first used by resources[${first}])`);
    else seenIds.set(r.id, i);
    if (!e.regions[r.region]) at(estate.source, ['resources', i, 'region'], `unknown region "${r.region}": expected ${oneOf(regions)}`);
    if (r.alertRoute && !routes.includes(r.alertRoute)) {
      at(estate.source, ['resources', i, 'alertRoute'], `unknown alert route "${r.alertRoute}": expected ${oneOf(routes)}`);
    }
  });
  for (const [name, sb] of Object.entries(e.sandboxes ?? {})) {
    if (sb.kind === 'pglite') continue;
    const cred = credentials[sb.credentials];
    if (!cred) at(estate.source, ['sandboxes', name, 'credentials'], `unknown credential profile "${sb.credentials}": expected ${oneOf(Object.keys(credentials))}`);
    else if (cred.kind !== 'database') at(estate.source, ['sandboxes', name, 'credentials'], `credential profile "${sb.credentials}" is kind ${cred.kind}: expected kind database`);
  }

  const drillNames = new Map<string, string>();
  for (const d of drills) {
    const prior = drillNames.get(d.value.name);
    if (prior) at(d.source, ['name'], `duplicate drill name "${d.value.name}" (also defined in ${prior})`);
    else drillNames.set(d.value.name, d.source.file);
    if (!seenIds.has(d.value.resource)) at(d.source, ['resource'], `unknown resource "${d.value.resource}": expected ${oneOf([...seenIds.keys()])}`);
    if (!sandboxes.includes(d.value.sandbox)) at(d.source, ['sandbox'], `unknown sandbox "${d.value.sandbox}": expected ${oneOf(sandboxes)}`);
    const sel = d.value.backup;
    if (typeof sel === 'object' && 'latest-in-region' in sel && !regions.includes(sel['latest-in-region'])) {
      at(d.source, ['backup', 'latest-in-region'], `unknown region "${sel['latest-in-region']}": expected ${oneOf(regions)}`);
    }
  }

  const scheduleNames = new Map<string, string>();
  for (const s of schedules) {
    const prior = scheduleNames.get(s.value.name);
    if (prior) at(s.source, ['name'], `duplicate schedule name "${s.value.name}" (also defined in ${prior})`);
    else scheduleNames.set(s.value.name, s.source.file);
    if (s.value.job === 'drill' && !drillNames.has(s.value.drill) && !drillFileNames.has(s.value.drill)) {
      at(s.source, ['drill'], `unknown drill "${s.value.drill}": expected ${oneOf([...drillNames.keys()])}`);
    }
    if (s.value.job === 'freshness') {
      s.value.resources?.forEach((id, i) => {
        if (!seenIds.has(id)) at(s.source, ['resources', i], `unknown resource "${id}": expected ${oneOf([...seenIds.keys()])}`);
      });
    }
    if (s.value.job === 'demo-backups' && !e.demo) at(s.source, ['job'], 'job demo-backups needs a demo: section in the estate');
  }
  return issues;
}
