import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'contract', include: ['test/contract/**/*.test.ts'] } },
      // Real services and real folders: one file at a time so tests never fight over a server.
      // Integration, then e2e: both create sandboxes on the same servers, and each checks that
      // nothing is left behind, so they must not run at the same time.
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: ['test/global-setup.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, sequence: { groupOrder: 2 } } },
    ],
  },
});
