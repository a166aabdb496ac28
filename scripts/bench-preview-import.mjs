// `node scripts/bench-preview-import.mjs [--scale 0.1] [--runs 3]`: the lead's preview then
// import of one inspector's bundle through the core host, verifying twice vs with the preview's
// token (tests/bench/preview-import.ts). Needs the team `npm run bench -- --scale N` generated.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { common } from './build-config.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const scale = flag('--scale', '0.1');
const runs = flag('--runs', '3');
const cache = join('bench-results', '.cache');
const team = readdirSync(cache).find((name) => name.startsWith(`team-x${scale}-`));
if (!team) throw new Error(`No generated ${scale}× team: run npm run bench -- --scale ${scale} --generate-only first.`);
const bench = { ...common, external: ['better-sqlite3-multiple-ciphers'] };
await build({ ...bench, entryPoints: ['tests/bench/preview-import.ts'], outfile: 'dist/bench/preview-import.cjs' });
await build({ ...bench, entryPoints: ['main/host/core-worker.ts'], outfile: 'dist/bench/core-worker.cjs' });
const run = spawnSync(
  process.execPath,
  ['--enable-source-maps', 'dist/bench/preview-import.cjs', join(cache, team), resolve('dist/bench/core-worker.cjs'), runs],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
