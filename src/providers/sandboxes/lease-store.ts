import { readdir, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../fsutil/index.js';
import type { Lease } from './types.js';

/** Leases on disk, one file each: written (durably) before a sandbox exists, removed after it is gone. */
export interface LeaseStore {
  put(lease: Lease): Promise<void>;
  remove(id: string): Promise<void>;
  list(): Promise<Lease[]>;
}

export function createLeaseStore(dir: string): LeaseStore {
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
      const out: Lease[] = [];
      for (const n of names.filter((x) => x.endsWith('.json'))) {
        try {
          out.push(JSON.parse(await readFile(path.join(dir, n), 'utf8')) as Lease);
        } catch {
          // A lease being written right now (atomic rename pending) is picked up next sweep.
        }
      }
      return out;
    },
  };
}

/**
 * Whether a lease's owner can no longer be running its drill: its process is gone (same
 * host), or the lease is older than any drill may run (a reused pid, another host).
 */
export function ownerIsGone(lease: Lease, now: Date, staleAfterMs: number): boolean {
  const tooOld = now.getTime() - new Date(lease.createdAt).getTime() > staleAfterMs;
  if (lease.owner.host !== hostname()) return tooOld;
  try {
    process.kill(lease.owner.pid, 0);
    return tooOld;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH' || tooOld;
  }
}
