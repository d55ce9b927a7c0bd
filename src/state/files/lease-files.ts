import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../fsutil/index.js';
import type { Lease, LeaseStore } from '../../providers/index.js';
import { readJson } from './json-file.js';

/** Leases as one file each, written durably before the sandbox exists. */
export function createLeaseFiles(dir: string): LeaseStore {
  const file = (id: string) => path.join(dir, `${id}.json`);
  return {
    put: (lease) => writeFileAtomic(file(lease.id), JSON.stringify(lease, null, 2), { durable: true }),
    remove: (id) => rm(file(id), { force: true }),
    async list() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return [];
      }
      // A lease being written right now (atomic rename pending) reads as nothing and is picked up next sweep.
      const leases = await Promise.all(names.filter((x) => x.endsWith('.json')).map((n) => readJson<Lease | undefined>(path.join(dir, n), undefined)));
      return leases.filter((l): l is Lease => !!l);
    },
  };
}
