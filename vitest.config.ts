import { defineConfig } from 'vitest/config';

/** Test files that replace a module with vi.mock (only `electron`, which cannot run here). */
const MOCKING = ['tests/unit/app/**/*.test.ts', 'tests/integration/sync/credentials.test.ts'];

export default defineConfig({
  test: {
    // Three workers on a 2-core machine: an e2e file spends about half its time waiting on
    // Chromium, autosave pauses and its server, so a third worker fills the cores while one waits.
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          exclude: ['tests/unit/renderer/**', ...MOCKING],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
          // A worker keeps the modules it has loaded from one test file to the next instead of
          // loading them again for each (that was 250 s of a 625 s run). Every test makes its
          // own store, folder and server; nothing is kept in module state between files.
          isolate: false,
        },
      },
      {
        test: {
          // The electron stand-in is a vi.mock, so these files keep a module registry each.
          name: 'electron',
          environment: 'node',
          include: MOCKING,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['tests/unit/renderer/**/*.test.{ts,tsx}'],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          isolate: false,
        },
      },
    ],
  },
});
