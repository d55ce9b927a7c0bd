import { hostname } from 'node:os';
import type { Lease } from './types.js';

/** Leases: written (durably) before a sandbox exists, removed after it is gone. Implementations live in the state store. */
export interface LeaseStore {
  put(lease: Lease): Promise<void>;
  remove(id: string): Promise<void>;
  list(): Promise<Lease[]>;
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
