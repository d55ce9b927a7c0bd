export { writeDemoBackups } from './demo-backups.js';
export { DEMO_PRODUCERS, type DemoProducer } from './producers.js';
export { shopDatabase, type Table } from './shop-data.js';
export { renderMysqlDump, renderPostgresDump } from './render-dump.js';
export { ensureDemoSecrets } from './demo-secrets.js';
