// One build for everything: Vite for the renderer, esbuild for main, preload, browser mode and
// the CLI (each bundled to one CommonJS file; the native SQLite module and electron stay external).
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { chmodSync } from 'node:fs';
import { common } from './build-config.mjs';

/** Packages the CLI loads from node_modules on first use (see the CLI build below). */
const LAZY_PACKAGES = ['exceljs', 'docx'];

const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);

const jobs = [];
if (want('main')) {
  jobs.push(build({ ...common, entryPoints: ['main/app/main.ts'], outfile: 'dist/main/main.cjs' }));
  // The core (store, services, merges, backups) runs in this worker thread, off the window's thread.
  jobs.push(build({ ...common, entryPoints: ['main/host/core-worker.ts'], outfile: 'dist/main/core-worker.cjs' }));
  // The sandboxed preload gets no __filename and may only require 'electron': no banner.
  jobs.push(
    build({
      ...common,
      entryPoints: ['main/app/preload.ts'],
      outfile: 'dist/main/preload.cjs',
      sourcemap: false,
      banner: {},
      define: {},
    }),
  );
}
if (want('web')) {
  jobs.push(build({ ...common, entryPoints: ['main/web/start.ts'], outfile: 'dist/web/server.cjs' }));
  jobs.push(build({ ...common, entryPoints: ['main/host/core-worker.ts'], outfile: 'dist/web/core-worker.cjs' }));
}
if (want('cli')) {
  jobs.push(
    build({
      ...common,
      entryPoints: ['main/cli/fieldwork.ts'],
      outfile: 'dist/cli/fieldwork.cjs',
      // Loaded from node_modules (as the SQLite driver is) when a command needs them, never
      // bundled: Node parses the whole bundle on every start, and these two were a third of it
      // for the few commands that read a workbook or write a letter. The sources import them
      // with import() where they are used, so no other command loads them.
      external: [...common.external, ...LAZY_PACKAGES],
      banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
    }).then(() => chmodSync('dist/cli/fieldwork.cjs', 0o755)),
  );
}
if (want('renderer')) jobs.push(viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' }));
await Promise.all(jobs);
