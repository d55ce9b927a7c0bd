import { afterAll, afterEach, describe } from 'vitest';
import { localImplementation, type Implementation } from './region-store/implementations.js';
import { keysContract } from './region-store/keys-contract.js';
import { listContract } from './region-store/list-contract.js';
import { objectsContract } from './region-store/objects-contract.js';
import { partialsContract } from './region-store/partials-contract.js';

// COS joins here with its emulator: { ..., cos: cosImplementation() }.
const implementations: Record<string, Implementation> = { local: localImplementation() };
const cleanupAll = () => Promise.all(Object.values(implementations).map((i) => i.cleanup()));
afterEach(cleanupAll, 120_000);
afterAll(cleanupAll, 120_000);

/** Every region store keeps the same promises; this suite is what a new store must pass. */
describe.each(Object.entries(implementations))('region store contract: %s', (_name, impl) => {
  listContract(impl);
  objectsContract(impl);
  keysContract(impl);
  partialsContract(impl);
});
