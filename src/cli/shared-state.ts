import { LifeboatError } from '../domain/index.js';
import type { LoadedConfig } from '../config/index.js';

/**
 * Distributed mode's workers may run on many machines: state kept in one machine's files
 * would give each its own partial picture (status, history, copies) and local locks that
 * do not lock. Refused unless the estate says every process shares this machine.
 */
export function requireSharedState(config: LoadedConfig, command: string): void {
  const s = config.estate.state;
  if (s?.kind === 'postgres' || (s?.kind === 'files' && s.singleMachine)) return;
  throw new LifeboatError(
    'CONFIG_INVALID',
    `${config.estateFile}: state: ${command} runs in distributed mode, whose workers may be on many machines, but state is kept in files under ${config.stateDir}. ` +
      'Set state: { kind: postgres, url: { env: LIFEBOAT_STATE_URL } } so every machine shares one state, ' +
      'or, when every scheduler and worker runs on this machine, state: { kind: files, singleMachine: true }',
  );
}
