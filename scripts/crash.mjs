// `npm run test:crash -- --runs 1000`: the crash-safety harness with more kills than CI runs.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const runs = at >= 0 ? Number(args[at + 1]) : 1000;
if (!Number.isInteger(runs) || runs < 1) {
  console.error('Usage: npm run test:crash -- --runs N');
  process.exit(2);
}
const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'tests/integration/crash'], {
  stdio: 'inherit',
  env: { ...process.env, CRASH_RUNS: String(runs) },
});
process.exit(result.status ?? 1);
