// `npm run test:powercut -- --runs 1000 [--seed S]`: the power-cut harness with more cuts than npm test runs.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const runs = option('--runs', 1000);
const seed = option('--seed', Date.now() % 1_000_000_007);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  console.error('Usage: npm run test:powercut -- --runs N [--seed S]');
  process.exit(2);
}
const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'tests/integration/powercut'], {
  stdio: 'inherit',
  env: { ...process.env, POWERCUT_RUNS: String(runs), POWERCUT_SEED: String(seed) },
});
process.exit(result.status ?? 1);
