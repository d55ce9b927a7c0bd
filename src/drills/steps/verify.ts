import { checkCompleteness, type Completeness } from '../../checks/index.js';
import type { Drill, Manifest } from '../../config/index.js';
import type { SandboxTarget } from '../../providers/index.js';
import type { StepOutput } from './step-output.js';

/** The restored data against the backup's manifest and the drill's checks. */
export async function verify(i: { target: SandboxTarget; manifest?: Manifest; checks: Drill['checks'] }): Promise<StepOutput<Completeness>> {
  const c = await checkCompleteness(i.target, i.manifest, i.checks);
  return { value: c, details: { ratio: c.ratio, failed: c.checks.filter((x) => !x.passed).length } };
}
