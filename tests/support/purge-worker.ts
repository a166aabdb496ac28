/**
 * Child process for the plaintext watch: opens a data folder as the app does and purges one
 * inspection (the VACUUM that follows rewrites the whole remaining store), then says "done".
 */
import { writeSync } from 'node:fs';
import { openRuntime } from '../../main/services/runtime.js';
import { invoke } from '../../main/services/dispatch.js';

async function main(): Promise<void> {
  const [dataDir, inspectionId, confirmation] = process.argv.slice(2) as [string, string, string];
  const runtime = await openRuntime({
    dataDir,
    backups: false,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const result = await invoke(runtime.ctx, 'inspections.purge', { id: inspectionId, confirmation });
  runtime.close();
  writeSync(1, `done ${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  writeSync(2, `purge worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
