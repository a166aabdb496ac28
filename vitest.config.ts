import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Test files that replace a module with vi.mock (only `electron`, which cannot run here). */
const MOCKING = ['tests/unit/app/**/*.test.ts', 'tests/integration/sync/credentials.test.ts'];

/**
 * The longest files, started first, longest first. Vitest orders files by project name, then by
 * the durations it cached from the last run, or (with none, as in a fresh clone) by file size;
 * the merge-memory test, small but about a minute long, then started last and ran alone for the
 * final 20-60 s of the run. The list is every file over 17 s in a 3-worker `npm test` of
 * 8 December 2026 (so a fresh clone starts the run in the order a warm one does).
 */
const QUICK_LONGEST = [
  'tests/integration/cli/cli-mistakes.test.ts',
  'tests/e2e/bundles.test.ts',
  'tests/integration/bundles/merge-memory.test.ts',
  'tests/integration/store/no-plaintext.test.ts',
  'tests/e2e/cases.test.ts',
  'tests/e2e/last-keystroke.test.ts',
  'tests/e2e/conflicts.test.ts',
  'tests/unit/sync/authority-laws.test.ts',
  'tests/e2e/sync.test.ts',
  'tests/integration/cli/bundles-cli.test.ts',
  'tests/e2e/notes.test.ts',
  'tests/e2e/note-list-pages.test.ts',
  'tests/unit/sync/merge-laws.test.ts',
  'tests/e2e/inspections.test.ts',
  'tests/e2e/case-list-import.test.ts',
  'tests/integration/hostile/authority-replay.test.ts',
  'tests/e2e/escalation.test.ts',
  'tests/integration/powercut/powercut.test.ts',
  'tests/e2e/overview.test.ts',
  'tests/unit/app/desktop-app.test.ts',
  'tests/e2e/recovery.test.ts',
  'tests/e2e/letter-preview.test.ts',
  'tests/integration/cli/restore-fork-cli.test.ts',
  'tests/e2e/xss.test.ts',
];
/**
 * With the full counts (`npm run test:full`, CI) the generated cases dominate: in the first CI-like
 * run the 200 kills started at 1,048 s and ran alone for the last 278 s of a 1,326 s run.
 */
const FULL_LONGEST = [
  'tests/unit/sync/merge-laws.test.ts',
  'tests/unit/sync/authority-laws.test.ts',
  'tests/integration/crash/crash-safety.test.ts',
  'tests/integration/hostile/case-list-fuzz.test.ts',
  'tests/integration/hostile/bundle-mutations.test.ts',
  'tests/unit/sync/pipeline-differential.test.ts',
  'tests/integration/powercut/powercut.test.ts',
  'tests/integration/crash/merge-crash.test.ts',
  // Each 20-45 s at the full counts; started late, two of them ran alone for the last 40 s of CI.
  'tests/integration/store/authority-epoch.test.ts',
  'tests/unit/sync/merge-laws-restore.test.ts',
  'tests/unit/sync/merge-laws-files.test.ts',
  'tests/integration/store/finding-search.test.ts',
  'tests/unit/sync/materialised-equals-recomputed.test.ts',
  'tests/integration/hostile/api-fuzz.test.ts',
  'tests/unit/sync/merge-laws-salvage.test.ts',
  ...QUICK_LONGEST,
];
const LONGEST = process.env.FIELDWORK_TEST_FULL === '1' ? FULL_LONGEST : QUICK_LONGEST;

/** FC_SEED fixes fast-check's seed for a whole run (tests/support/fast-check-seed.ts). */
const FAST_CHECK_SEED = 'tests/support/fast-check-seed.ts';

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification): number => {
      const at = LONGEST.findIndex((path) => file.moduleId.endsWith(path));
      return at === -1 ? LONGEST.length : at;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: LongestFirst },
    // Three workers on a 2-core machine: a worker whose file waits (on Chromium, which does
    // about 60 % of the e2e files' CPU, or on a child process) leaves a core to the others. The
    // run keeps both cores about 96 % busy; four workers were slower (docs/development.md).
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          setupFiles: [FAST_CHECK_SEED],
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
          setupFiles: [FAST_CHECK_SEED],
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
          setupFiles: [FAST_CHECK_SEED],
          include: ['tests/unit/renderer/**/*.test.{ts,tsx}'],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          setupFiles: [FAST_CHECK_SEED],
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
