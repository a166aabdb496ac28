/**
 * Child process for the merge crash harness: opens the data folder the app's way, says
 * "ready", imports (merges) one bundle file through the real import path, then prints
 * "ack <bundle id>" only after the import's transaction has committed. The parent SIGKILLs it
 * at a random moment, before, during or after the merge.
 */
import { basename } from 'node:path';
import { writeSync } from 'node:fs';
import { openRuntime } from '../../main/services/runtime.js';
import { importBundleFile } from '../../main/services/bundles.js';

async function main(): Promise<void> {
  const [dataDir, bundlePath] = process.argv.slice(2) as [string, string];
  const runtime = await openRuntime({ dataDir, log: { info: () => undefined, warn: () => undefined, error: () => undefined } });
  if (runtime.mode !== 'ready') throw new Error(`store opened in ${runtime.mode} mode`);
  writeSync(1, 'ready\n');
  const started = Date.now();
  let stage = '';
  const summary = await importBundleFile(runtime.ctx, bundlePath, {
    fileName: basename(bundlePath),
    // Stage changes are reported so the parent can tell a kill mid-merge from one before it.
    progress: (_done, _total, next) => {
      if (next !== stage) writeSync(1, `stage ${(stage = next)}\n`);
    },
  });
  writeSync(1, `ack ${summary.bundleId} ${summary.status} ${summary.newOps}\n`);
  // How long the import took, so the parent spreads its kills over it (not an assertion).
  writeSync(1, `took ${Date.now() - started}\n`);
  runtime.close();
}

main().catch((error: unknown) => {
  writeSync(2, `worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
