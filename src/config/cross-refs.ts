import { formatPath, type ConfigIssue } from './config-error.js';
import type { YamlSource } from './yaml-source.js';

/** A parsed file with the name it goes by (a drill or schedule defaults to its file name). */
export interface RawFile {
  source: YamlSource;
  name?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const keysOf = (v: unknown) => (isObj(v) ? Object.keys(v) : []);

/**
 * Names that point at other things must point at something that exists, and ids must be
 * unique. Works on the raw parsed data, so these problems are reported in the same pass
 * as schema errors elsewhere in the same file.
 */
export function checkCrossReferences(estate: RawFile, drills: RawFile[], schedules: RawFile[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (src: YamlSource, path: PropertyKey[], message: string) => {
    issues.push({ file: src.file, ...src.locate(path), path: formatPath(path), message });
  };
  const e = isObj(estate.source.data) ? estate.source.data : {};
  const regions = keysOf(e.regions);
  const sandboxes = keysOf(e.sandboxes);
  const routes = keysOf(e.alertRoutes);
  const credentials = isObj(e.credentials) ? e.credentials : {};
  const oneOf = (names: string[]) => (names.length ? `expected one of ${names.join(', ')}` : 'none is defined in the estate');
  const checkRoute = (src: YamlSource, path: PropertyKey[], value: unknown) => {
    const route = str(value);
    if (route !== undefined && !routes.includes(route)) at(src, path, `unknown alert route "${route}": ${oneOf(routes)}`);
  };

  const resourceIds = new Map<string, number>();
  (Array.isArray(e.resources) ? e.resources : []).forEach((r: unknown, i) => {
    if (!isObj(r)) return;
    const id = str(r.id);
    if (id !== undefined) {
      const first = resourceIds.get(id);
      if (first !== undefined) at(estate.source, ['resources', i, 'id'], `duplicate resource id "${id}" (first used by resources[${first}])`);
      else resourceIds.set(id, i);
    }
    const region = str(r.region);
    if (region !== undefined && !regions.includes(region)) at(estate.source, ['resources', i, 'region'], `unknown region "${region}": ${oneOf(regions)}`);
    const source = isObj(r.source) ? r.source : undefined;
    for (const field of ['credentials', 'canaryCredentials']) {
      const profile = source ? str(source[field]) : undefined;
      if (profile !== undefined && !isObj(credentials[profile])) at(estate.source, ['resources', i, 'source', field], `unknown credential profile "${profile}": ${oneOf(Object.keys(credentials))}`);
    }
    checkRoute(estate.source, ['resources', i, 'alertRoute'], r.alertRoute);
  });
  const alerts = isObj(e.alerts) ? e.alerts : {};
  checkRoute(estate.source, ['alerts', 'route'], alerts.route);
  checkRoute(estate.source, ['alerts', 'deliveryFailureRoute'], alerts.deliveryFailureRoute);
  for (const [name, sb] of Object.entries(isObj(e.sandboxes) ? e.sandboxes : {})) {
    const profile = isObj(sb) ? str(sb.credentials) : undefined;
    if (profile === undefined) continue;
    const cred = credentials[profile];
    if (!isObj(cred)) at(estate.source, ['sandboxes', name, 'credentials'], `unknown credential profile "${profile}": ${oneOf(Object.keys(credentials))}`);
    else if (cred.kind !== 'database') at(estate.source, ['sandboxes', name, 'credentials'], `credential profile "${profile}" is kind ${String(cred.kind)}: expected kind database`);
  }
  const resources = [...resourceIds.keys()];
  const regionOf = new Map<string, string | undefined>();
  (Array.isArray(e.resources) ? e.resources : []).forEach((r: unknown) => {
    if (isObj(r) && str(r.id)) regionOf.set(str(r.id)!, str(r.region));
  });
  const policyNames = new Set<string>();
  (Array.isArray(e.copies) ? e.copies : []).forEach((p: unknown, i) => {
    if (!isObj(p)) return;
    const name = str(p.name);
    if (name !== undefined && policyNames.has(name)) at(estate.source, ['copies', i, 'name'], `duplicate copy policy name "${name}"`);
    if (name !== undefined) policyNames.add(name);
    checkRoute(estate.source, ['copies', i, 'alertRoute'], p.alertRoute);
    // With "*", a resource already living in a destination is simply not copied there.
    const ids = Array.isArray(p.resources) ? p.resources.filter((x): x is string => typeof x === 'string') : [];
    if (Array.isArray(p.resources)) {
      p.resources.forEach((id: unknown, j) => {
        if (typeof id === 'string' && !resourceIds.has(id)) at(estate.source, ['copies', i, 'resources', j], `unknown resource "${id}": ${oneOf(resources)}`);
      });
    }
    (Array.isArray(p.to) ? p.to : []).forEach((region: unknown, j) => {
      if (typeof region !== 'string') return;
      if (!regions.includes(region)) at(estate.source, ['copies', i, 'to', j], `unknown region "${region}": ${oneOf(regions)}`);
      const same = ids.filter((id) => regionOf.get(id) === region);
      if (same.length) at(estate.source, ['copies', i, 'to', j], `region "${region}" is where ${same.join(', ')} already live${same.length > 1 ? '' : 's'}: a copy must go to another region`);
    });
  });

  const drillNames = new Map<string, string>();
  for (const d of drills) {
    const data = isObj(d.source.data) ? d.source.data : {};
    if (d.name !== undefined) {
      const prior = drillNames.get(d.name);
      if (prior) at(d.source, ['name'], `duplicate drill name "${d.name}" (also defined in ${prior})`);
      else drillNames.set(d.name, d.source.file);
    }
    const resource = str(data.resource);
    if (resource !== undefined && !resourceIds.has(resource)) at(d.source, ['resource'], `unknown resource "${resource}": ${oneOf(resources)}`);
    const sandbox = str(data.sandbox);
    if (sandbox !== undefined && !sandboxes.includes(sandbox)) at(d.source, ['sandbox'], `unknown sandbox "${sandbox}": ${oneOf(sandboxes)}`);
    checkRoute(d.source, ['alertRoute'], data.alertRoute);
    const region = isObj(data.backup) ? str(data.backup['latest-in-region']) : undefined;
    if (region !== undefined && !regions.includes(region)) at(d.source, ['backup', 'latest-in-region'], `unknown region "${region}": ${oneOf(regions)}`);
  }

  const scheduleNames = new Map<string, string>();
  for (const s of schedules) {
    const data = isObj(s.source.data) ? s.source.data : {};
    if (s.name !== undefined) {
      const prior = scheduleNames.get(s.name);
      if (prior) at(s.source, ['name'], `duplicate schedule name "${s.name}" (also defined in ${prior})`);
      else scheduleNames.set(s.name, s.source.file);
    }
    const drill = str(data.drill);
    if (data.job === 'drill' && drill !== undefined && !drillNames.has(drill)) {
      at(s.source, ['drill'], `unknown drill "${drill}": ${oneOf([...drillNames.keys()])}`);
    }
    if ((data.job === 'freshness' || data.job === 'canary' || data.job === 'scrub') && Array.isArray(data.resources)) {
      data.resources.forEach((id: unknown, i) => {
        if (typeof id === 'string' && !resourceIds.has(id)) at(s.source, ['resources', i], `unknown resource "${id}": ${oneOf(resources)}`);
      });
    }
    const policy = str(data.policy);
    if (data.job === 'copy' && policy !== undefined && !policyNames.has(policy)) at(s.source, ['policy'], `unknown copy policy "${policy}": ${oneOf([...policyNames])}`);
    if (data.job === 'demo-backups' && e.demo === undefined) at(s.source, ['job'], 'job demo-backups needs a demo: section in the estate');
  }
  return issues;
}
