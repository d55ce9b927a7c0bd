export type { Lease, SandboxKind, SandboxProvider, SandboxTarget, RestoreStats, Engine, ServerIdentity } from './types.js';
export { createLeaseStore, ownerIsGone, type LeaseStore } from './lease-store.js';
export { createMysqlSandbox, type ServerLogin } from './mysql-sandbox.js';
export { createPostgresSandbox } from './postgres-sandbox.js';
export { createPgliteSandbox } from './pglite-sandbox.js';
export { sandboxNames, isLifeboatName } from './names.js';
export { DumpParser, type DumpItem, type SkippedStatement } from './restore/dump-parser.js';
export { restoreDump, type RestoreSink } from './restore/restore-dump.js';
