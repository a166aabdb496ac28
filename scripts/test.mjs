// `npm test`: builds what the e2e tests serve, runs every Vitest project (unit, integration,
// e2e) and closes with the line CI reads: "N passed, N failed[, N skipped]".
// `npm run test:full` (`--full`) runs the same tests with the full counts of generated cases,
// kills and power cuts (tests/support/test-counts.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const full = process.argv.includes('--full');
const extra = process.argv.slice(2).filter((a) => a !== '--full');
if (full) process.env.FIELDWORK_TEST_FULL = '1';
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// Tests that run dist/ (the CLI, browser mode) reuse this build instead of rebuilding (tests/support/built.ts).
process.env.FIELDWORK_TEST_BUILT = '1';
mkdirSync('.test-output', { recursive: true });
const report = full ? '.test-output/vitest-full.json' : '.test-output/vitest.json';
const run = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
  { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } },
);
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests ?? 0;
  failed =
    (json.numFailedTests ?? 0) +
    (json.testResults ?? []).filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
}
if (run.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
