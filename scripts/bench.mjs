// `npm run bench [-- --scale 1,10 --runs 3 ...]`: bundles the benchmark (tests/bench/*.ts) with
// esbuild the same way scripts/build.mjs bundles the CLI, then runs it under plain Node.
// Measures speed only; it never fails on a missed target (see README "Benchmarks").
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { common } from './build-config.mjs';

// Native and WebAssembly packages load files next to themselves: required from node_modules.
const bench = { ...common, external: ['better-sqlite3-multiple-ciphers', '@automerge/automerge', 'loro-crdt'] };

const entries = ['run', 'merge-child', 'generate-child', 'peer-child', 'note-save-profile'];
await Promise.all([
  ...entries.map((name) => build({ ...bench, entryPoints: [`tests/bench/${name}.ts`], outfile: `dist/bench/${name}.cjs` })),
  // The core host's worker, for the ping-during-merge measure (started as the app starts it).
  build({ ...bench, entryPoints: ['main/host/core-worker.ts'], outfile: 'dist/bench/core-worker.cjs' }),
]);
const run = spawnSync(process.execPath, ['--enable-source-maps', 'dist/bench/run.cjs', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
