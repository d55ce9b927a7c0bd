import type { Readable } from 'node:stream';

export type SandboxKind = 'pglite' | 'mysql' | 'postgres';
export type Engine = 'mysql' | 'postgres';
export type Dialect = Engine;

/**
 * The record of a sandbox a drill creates, written before anything is created, so that
 * whatever it names can be torn down even if the process dies. Holds no secret.
 */
export interface Lease {
  id: string;
  runId: string;
  drill: string;
  sandbox: string;
  kind: SandboxKind;
  database: string;
  user?: string;
  dataDir?: string;
  createdAt: string;
  owner: { host: string; pid: number };
  /** Set when a failed drill keeps its sandbox for debugging: the sweep leaves it alone until then. */
  keepUntil?: string;
}

/** What the guard filter removed or rewrote in a dump, reported with the drill so nothing is silently changed. */
export interface FilterReport {
  dropped: { line: number; text: string }[];
  /** DEFINER clauses removed so views, triggers and routines belong to the sandbox user. */
  definersRemoved: number;
}

export interface RestoreProgress {
  bytes: number;
  total: number;
}

export interface RestoreStats {
  /** Statements the guard filter removed (they named another database or needed foreign rights). */
  filtered: FilterReport['dropped'];
  tool: string;
}

/** A provisioned sandbox database: restore into it, query it, let go of it. */
export interface SandboxTarget {
  readonly engine: Engine;
  /** Restores SQL text (already inflated) into the sandbox database. */
  restoreSql(sql: Readable, signal?: AbortSignal): Promise<RestoreStats>;
  /** Restores a pg_dump custom-format archive (PostgreSQL sandboxes only). */
  restoreArchive?(file: string, signal?: AbortSignal): Promise<RestoreStats>;
  query<T extends Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

export interface SandboxProvider {
  readonly kind: SandboxKind;
  readonly engine: Engine;
  /** host:port this sandbox writes to, for the production guard (undefined: embedded, no server). */
  readonly server?: { host: string; port: number };
  /** Reachability and rights, without writing anything; problems as sentences. */
  probe(): Promise<string[]>;
  create(lease: Lease): Promise<void>;
  open(lease: Lease): Promise<SandboxTarget>;
  /** Removes what the lease names; safe to call twice, and on a lease whose create never finished. */
  destroy(lease: Lease): Promise<void>;
}
