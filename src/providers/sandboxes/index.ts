export type { Lease, SandboxKind, SandboxProvider, SandboxTarget, RestoreStats, Engine, ServerIdentity, ServerLogin } from './types.js';
export { ownerIsGone, type LeaseStore } from './lease-store.js';
export { createMysqlSandbox } from './mysql-sandbox.js';
export { createPostgresSandbox } from './postgres-sandbox.js';
export { createPgliteSandbox } from './pglite-sandbox.js';
export { sandboxNames, isLifeboatName } from './names.js';
export { DumpParser, type DumpItem } from './restore/dump-parser.js';
export type { SkippedStatement } from './restore/restore-types.js';
export { restoreDump, type RestoreSink } from './restore/restore-dump.js';
