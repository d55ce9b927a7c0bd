import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // Projects that need MariaDB, PostgreSQL or Redis check them first: a missing server fails the run, naming how to start it.
      { extends: true, test: { name: 'contract', include: ['test/contract/**/*.test.ts'], globalSetup: ['test/global-setup.ts'] } },
      // Real services and real folders: one file at a time so tests never fight over a server.
      // Integration, then e2e: both load the same servers; each test checks only the sandboxes
      // named with its own estate's namePrefix, so they would not fail on each other, but a 2-core machine runs them better apart.
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: ['test/global-setup.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/global-setup.ts'], testTimeout: 60_000, hookTimeout: 60_000, sequence: { groupOrder: 2 } } },
    ],
  },
});
