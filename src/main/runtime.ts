import path from 'node:path';
import type { LoadedConfig } from '../config/index.js';
import type { Clock, Logger } from '../domain/index.js';
import { openVerdictCache } from '../freshness/index.js';
import type { Runtime } from '../jobs/index.js';
import { createFsLedger } from '../ledger/index.js';
import { createDumpDirCatalog, createFileInspector } from '../providers/index.js';

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
