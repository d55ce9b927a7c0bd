import path from 'node:path';
import type { CopyRegistry } from '../../copy/index.js';
import type { FreshnessState, VerdictEntry, VerdictPersistence } from '../../freshness/index.js';
import { writeFileAtomic } from '../../fsutil/index.js';
import type { StateStore } from '../types.js';
import { copyRegistryOver, freshnessOver } from '../documents.js';
import { readJson } from './json-file.js';
import { createLeaseFiles } from './lease-files.js';
import { lockedJson } from './locked-json.js';
import { createRunFiles } from './run-files.js';
import { createSlotFiles } from './slot-files.js';

/**
 * The embedded default: state as files in one folder, each change atomic (temp file and
 * rename) and shared documents changed under an inter-process lock, so `npm start` and a
 * second `lifeboat …` can run at once. One machine only: the locks are local.
 */
export function createFileStateStore(stateDir: string): StateStore {
  const copies = lockedJson<CopyRegistry>(path.join(stateDir, 'copies.json'), () => ({}));
  const freshness = lockedJson<FreshnessState>(path.join(stateDir, 'freshness-state.json'), () => ({}));
  return {
    kind: 'files',
    where: stateDir,
    runs: createRunFiles(path.join(stateDir, 'runs')),
    leases: createLeaseFiles(path.join(stateDir, 'leases')),
    copies: copyRegistryOver(copies),
    verdicts: verdictFile(path.join(stateDir, 'verdicts.json')),
    freshness: freshnessOver(freshness),
    slots: createSlotFiles(path.join(stateDir, 'slots')),
    alerts: lockedJson<Record<string, unknown>>(path.join(stateDir, 'alerts.json'), () => ({})),
    close: async () => undefined,
  };
}

/** The verdict cache as one file, rewritten whole by whoever saves last (it is a cache: losing an entry costs a re-read). */
function verdictFile(file: string): VerdictPersistence {
  return {
    async load(version) {
      const json = await readJson<{ version?: number; entries?: Record<string, VerdictEntry> }>(file, {});
      return new Map(json.version === version ? Object.entries(json.entries ?? {}) : []);
    },
    save: (version, _changes, all) => writeFileAtomic(file, JSON.stringify({ version, entries: Object.fromEntries(all) })),
  };
}
