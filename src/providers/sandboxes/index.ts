export type { Lease, SandboxKind, SandboxProvider, SandboxTarget, RestoreStats, Engine } from './types.js';
export { createLeaseStore, ownerIsGone, type LeaseStore } from './lease-store.js';
export { createMysqlSandbox, type ServerLogin } from './mysql-sandbox.js';
export { createPostgresSandbox } from './postgres-sandbox.js';
export { createPgliteSandbox } from './pglite-sandbox.js';
export { sandboxNames, isLifeboatName } from './names.js';
export { SqlGuardFilter } from './sql-guard-filter.js';
