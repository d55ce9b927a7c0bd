import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { filesBackend, postgresBackend, type Backend } from './state-store/backends.js';
import { alertsContract } from './state-store/alerts-contract.js';
import { buildForCrashWriter, killWriters } from './state-store/crash-child.js';
import { crashContract } from './state-store/crash-contract.js';
import { documentsContract } from './state-store/documents-contract.js';
import { historyContract } from './state-store/history-contract.js';
import { runsContract } from './state-store/runs-contract.js';
import { slotsContract } from './state-store/slots-contract.js';

const backends: Record<string, Backend> = { files: filesBackend(), postgres: postgresBackend() };
const cleanupAll = () => Promise.all(Object.values(backends).map((b) => b.cleanup()));

// The crash writer is a separate process running the built store.
beforeAll(buildForCrashWriter, 180_000);
// Writers first: a killed writer no longer holds the schema or folder being removed.
afterEach(async () => {
  await killWriters();
  await cleanupAll();
}, 120_000);
afterAll(cleanupAll, 120_000);

/** Every state store backend keeps the same promises; this suite is what a new backend must pass. */
describe.each(Object.entries(backends))('state store contract: %s', (_name, backend) => {
  runsContract(backend);
  documentsContract(backend);
  slotsContract(backend);
  alertsContract(backend);
  crashContract(backend);
  historyContract(backend);
});
