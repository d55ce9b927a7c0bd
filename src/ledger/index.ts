export type { Ledger, VerifyReport, VerifyProblem, ProblemKind } from './ledger.js';
export type { LedgerEntry, LedgerRecord } from './record.js';
export { createFsLedger, type FsLedgerOptions } from './fs-ledger.js';
export { verifyChain } from './verify-chain.js';
export { createRedisLedger, type RedisLedgerOptions } from './redis-ledger.js';
