import path from 'node:path';
import type { LoadedConfig } from '../config/index.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import { openVerdictCache, type SweepDeps } from '../freshness/index.js';
import { createFsLedger, type Ledger } from '../ledger/index.js';
import { createDumpDirCatalog, createFileInspector } from '../providers/index.js';

export interface Runtime extends SweepDeps {
  config: LoadedConfig;
  ledger: Ledger;
  close(): Promise<void>;
}

/** Wires the embedded-mode parts for a loaded config: local providers and the filesystem ledger. */
export async function createRuntime(config: LoadedConfig, base: { clock: Clock; logger: Logger }): Promise<Runtime> {
  const ledger = createFsLedger({ dir: config.ledgerDir, clock: base.clock, logger: base.logger });
  return {
    ...base,
    config,
    ledger,
    catalog: createDumpDirCatalog(config.regionRoots),
    inspector: createFileInspector(base.clock),
    verdicts: await openVerdictCache(path.join(config.stateDir, 'verdicts.json')),
    close: () => ledger.close(),
  };
}
