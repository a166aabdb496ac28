// `npm run test:fuzz -- --runs 10000`: the hostile-input fuzzers (bundle mutations and case
// lists) with more generated cases than CI runs. `--seed N` replays a run; `--only bundles|csv`.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const value = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const runs = Number(value('--runs') ?? 10000);
const seed = value('--seed');
const only = value('--only');
const files = {
  bundles: 'tests/integration/hostile/bundle-mutations.test.ts',
  csv: 'tests/integration/hostile/case-list-fuzz.test.ts',
};
if (!Number.isInteger(runs) || runs < 1 || (seed !== undefined && !Number.isInteger(Number(seed))) || (only && !files[only])) {
  console.error('Usage: npm run test:fuzz -- --runs N [--seed N] [--only bundles|csv]');
  process.exit(2);
}
const result = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', ...(only ? [files[only]] : Object.values(files)), '--testTimeout', '0'],
  {
    stdio: 'inherit',
    env: { ...process.env, FUZZ_RUNS: String(runs), ...(seed !== undefined ? { FUZZ_SEED: seed } : {}) },
  },
);
process.exit(result.status ?? 1);
