import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fsutil/index.js';
import type { DrillRun } from './types.js';

/** Drill runs on disk, one JSON file each, rewritten whole at every step so a crash never leaves half a record. */
export interface RunStore {
  save(run: DrillRun): Promise<void>;
  get(runId: string): Promise<DrillRun | undefined>;
  list(filter?: { drill?: string }): Promise<DrillRun[]>;
}

export function createRunStore(dir: string): RunStore {
  const file = (id: string) => path.join(dir, `${id}.json`);
  const read = async (f: string) => {
    try {
      return JSON.parse(await readFile(f, 'utf8')) as DrillRun;
    } catch {
      return undefined;
    }
  };
  return {
    save: (run) => writeFileAtomic(file(run.runId), JSON.stringify(run, null, 2), { durable: true }),
    get: (id) => (/^[\w.-]+$/.test(id) ? read(file(id)) : Promise.resolve(undefined)),
    async list(filter) {
      let names: string[] = [];
      try {
        names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
      } catch {
        return [];
      }
      const runs = (await Promise.all(names.map((n) => read(path.join(dir, n))))).filter((r): r is DrillRun => !!r);
      return runs.filter((r) => !filter?.drill || r.drill === filter.drill).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    },
  };
}
