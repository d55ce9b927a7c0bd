export { loadConfig, type LoadedConfig } from './load.js';
export { ConfigError, formatIssue, type ConfigIssue } from './config-error.js';
export { parseDuration, formatDuration, durationSchema, DURATION_HINT } from './duration.js';
export { jsonSchemaFor, FILE_KINDS, type FileKind } from './json-schema.js';
export type { Estate, Resource, Region, Sandbox } from './schemas/estate.js';
export type { Drill } from './schemas/drill.js';
export type { Schedule } from './schemas/schedule.js';
export { JOB_KINDS } from './schemas/schedule.js';
export { manifestSchema, MANIFEST_SUFFIX, type Manifest } from './schemas/manifest.js';
