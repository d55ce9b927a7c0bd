export { redisConnection } from './connection.js';
export { syncSchedulers, type SyncResult } from './sync-schedulers.js';
export { startWorkers, lateSlot, DEFAULT_CATCH_UP_MS, DEFAULT_CONCURRENCY, type WorkerPool, type WorkerOptions } from './workers.js';
export { runLog, type RunEntry } from './run-log.js';
export { jobPayloadSchema, type JobPayload } from './payload.js';
export { QUEUE_OF, schedulerId } from './names.js';
export { queueSettings, RETRY_OPTIONS } from './strategies.js';
export { createLiveState, liveStateKeys, type LiveState } from './live-state.js';
export { deploymentStatus, type DeploymentStatus } from './status.js';
