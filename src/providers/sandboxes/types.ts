import type { Readable } from 'node:stream';
import type { Dialect, SkippedStatement, SkipReason } from './restore/restore-types.js';

export type SandboxKind = 'pglite' | 'mysql' | 'postgres';
export type Engine = 'mysql' | 'postgres';
export type { Dialect };

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

/** An admin (or per-run) login to a database server; the password never leaves the process. */
export interface ServerLogin {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface RestoreProgress {
  bytes: number;
  total: number;
}

/** What a restore did with the dump: statements sent, and those it did not send with their line and reason. */
export interface RestoreStats {
  /** The first statements not sent (a bounded list). */
  skipped: SkippedStatement[];
  /** How many were not sent, by reason. */
  skippedByReason: Partial<Record<SkipReason, number>>;
  statements: number;
  /** The database the dump names for itself (the sandbox database stood in for it). */
  database?: string;
  tool: string;
}

/** A provisioned sandbox database: restore into it, query it, let go of it. */
export interface SandboxTarget {
  readonly engine: Engine;
  /** Restores SQL text (already inflated) into the sandbox database, as the per-run user, over the wire. */
  restoreSql(sql: Readable, signal?: AbortSignal): Promise<RestoreStats>;
  query<T extends Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

export interface SandboxProvider {
  readonly kind: SandboxKind;
  readonly engine: Engine;
  /** host:port this sandbox writes to, for the production guard (undefined: embedded, no server). */
  readonly server?: { host: string; port: number };
  /** False when the sandbox lives in this process's memory: it cannot be kept for debugging after the drill (default true). */
  readonly keepable?: boolean;
  /** Reachability and rights, without writing anything; problems as sentences. */
  probe(): Promise<string[]>;
  /** Who the server says it is, for the production guard (undefined: embedded, no server). */
  identity?(): Promise<ServerIdentity>;
  create(lease: Lease): Promise<void>;
  open(lease: Lease): Promise<SandboxTarget>;
  /** Removes what the lease names; safe to call twice, and on a lease whose create never finished. */
  destroy(lease: Lease): Promise<void>;
}

/** What a database server says about itself: equal keys mean the same server, whatever address reached it. */
export interface ServerIdentity {
  /** e.g. `postgres-system:7312…|/var/lib/postgresql/15/main`, `mysql-uuid:…`, `mysql-datadir:host|port|/var/lib/mysql/`. */
  keys: string[];
  /** A readable description for messages. */
  describe: string;
}
