/**
 * The core's worker script, bundled the way scripts/build.mjs does (one CommonJS file, the
 * native SQLite module external) into a test-output folder, once per test file.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

let built: Promise<string> | null = null;

export function coreWorkerScript(): Promise<string> {
  built ??= (async () => {
    const dir = resolve('.test-output', `core-worker-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, 'core-worker.cjs');
    await build({
      entryPoints: [resolve('main/host/core-worker.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['electron', 'better-sqlite3-multiple-ciphers'],
      logLevel: 'error',
      define: { 'import.meta.url': 'import_meta_url' },
      banner: { js: "const import_meta_url = require('url').pathToFileURL(__filename).href;" },
      nodePaths: [resolve('node_modules')],
    });
    return outfile;
  })();
  return built;
}
