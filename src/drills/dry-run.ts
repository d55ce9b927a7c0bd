import type { Drill, Manifest } from '../config/index.js';
import { LifeboatError, messageOf } from '../domain/index.js';
import { guardSandbox } from './guard.js';
import type { DrillDeps } from './run-drill.js';
import { locateBackup } from './steps/locate.js';

export interface Readiness {
  drill: string;
  ready: boolean;
  /** Set when the guard refused the sandbox: the same refusal, and exit code, as a real run. */
  refused?: string;
  checks: { name: string; ok: boolean; detail: string }[];
  /** What will not stop the run but will shape its outcome (a drill with no completeness check is inconclusive). */
  warnings: string[];
}

/** How many weighted completeness checks a drill will run on this backup: 0 means the run can only be inconclusive. */
export function plannedChecks(manifest: Manifest | undefined, checks: Drill['checks']): number {
  const c = checks ?? { rowCounts: true, checksums: true, schemaObjects: true, assertions: [] };
  const tables = manifest?.tables ?? [];
  const objects = Object.values(manifest?.objects ?? {}).reduce((n, names) => n + (names?.length ?? 0), 0);
  return (c.rowCounts ? tables.length : 0) + (c.checksums ? tables.filter((t) => t.checksum !== undefined).length : 0) + (c.schemaObjects ? objects : 0) + c.assertions.length;
}

/** Would the drill run? Backup chosen and usable, sandbox reachable with the rights it needs, guard passes. Writes nothing. */
export async function dryRunDrill(name: string, deps: DrillDeps): Promise<Readiness> {
  const drill = deps.config.drills.get(name);
  const checks: Readiness['checks'] = [];
  const warnings: string[] = [];
  if (!drill) return { drill: name, ready: false, checks: [{ name: 'drill', ok: false, detail: `unknown drill ${name}` }], warnings };
  const resource = deps.config.resources.get(drill.resource)!;
  const attempt = async (label: string, fn: () => Promise<string>) => {
    try {
      checks.push({ name: label, ok: true, detail: await fn() });
    } catch (err) {
      checks.push({ name: label, ok: false, detail: messageOf(err) });
    }
  };
  await attempt('backup', async () => {
    // The real run's own locate step: the dry run cannot choose another backup or judge the engine otherwise.
    const provider = await deps.sandbox(drill.sandbox);
    const sel = await locateBackup({ drill, resource, provider, deps, now: deps.clock.now() });
    const engine = sel.engine;
    if (plannedChecks(sel.backup.manifest, drill.checks) === 0) {
      warnings.push(
        `no completeness checks: backup ${sel.backup.name} has ${sel.backup.manifest ? 'a manifest listing no table or object the drill checks' : 'no manifest'} and drill ${drill.name} has no assertions, so the run will be inconclusive (exit 4); write one with lifeboat manifest or add an assertion`,
      );
    }
    return `${sel.backup.name} (${sel.backup.size} bytes, ${sel.backup.time.toISOString()} from ${sel.backup.timeSource}) is usable${sel.skipped.length ? `; skipped ${sel.skipped.length} unusable newer` : ''}; engine ${engine ?? 'unknown'}`;
  });
  await attempt('sandbox', async () => {
    const provider = await deps.sandbox(drill.sandbox);
    const problems = await provider.probe();
    if (problems.length) throw new Error(problems.join('; '));
    return provider.server ? `${drill.sandbox} (${provider.kind}) reachable with the rights to create a database and a user` : `${drill.sandbox} (${provider.kind}) is embedded: nothing to reach`;
  });
  // The guard first, with the very code a real run uses: a refusal is a refusal in both.
  let refused: string | undefined;
  try {
    const provider = await deps.sandbox(drill.sandbox);
    checks.push({ name: 'guard', ok: true, detail: await guardSandbox(deps.config, drill.sandbox, provider, deps) });
  } catch (err) {
    if (err instanceof LifeboatError && err.code === 'SANDBOX_REFUSED') refused = err.message;
    checks.push({ name: 'guard', ok: false, detail: messageOf(err) });
  }
  return { drill: name, ready: checks.every((c) => c.ok), refused, checks, warnings };
}
