import type { LoadedConfig } from '../config/index.js';
import type { Clock, Logger } from '../domain/index.js';
import type { EventRecorder } from '../events/index.js';
import type { BackupCatalog, BackupInspector, RegionStore } from '../providers/index.js';

/**
 * What every job that reads backups (freshness, copies, drills) is given by the composition
 * root: declared once so that the runtime (src/jobs/types.ts) satisfies all of them alike.
 */
export interface BackupDeps {
  clock: Clock;
  logger: Logger;
  catalog: BackupCatalog;
  inspector: BackupInspector;
  /** The storage of a region: where a backup's bytes are read (a drill's restore) and copies are written. */
  store(region: string): RegionStore;
}

/** A job that also tells what it did (copies, drills): the loaded config and the events (the ledger keeps the evidence ones). */
export interface EvidenceDeps extends BackupDeps {
  config: LoadedConfig;
  events: EventRecorder;
}
