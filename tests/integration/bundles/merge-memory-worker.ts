/**
 * Run under a small V8 heap (tests/integration/bundles/merge-memory.test.ts): merges one bundle
 * file into the lead's data folder through the bundles service, as the CLI does, and prints
 * one JSON line: the import's status and new ops, how many notes arrived with their whole
 * text, the process's peak RSS and its RSS once the bundle is staged. The last argument is the import's stageOnDiskBytes. Exits non-zero (V8's out-of-memory abort) if the import ever holds more text than the heap.
 */
import { basename } from 'node:path';
import { importBundleFile } from '../../../main/services/bundles.js';
import { openRuntime } from '../../../main/services/runtime.js';
import { DEFAULT_LIMITS } from '../../../main/sync/bundle-format.js';

const [dataDir, file, inspectionId, textLength, stageOnDiskBytes] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function main(): Promise<void> {
  let stagedRssMiB = 0;
  const runtime = await openRuntime({ dataDir, log: quiet, backups: false, encryptStore: false });
  try {
    const summary = await importBundleFile(runtime.ctx, file, {
      fileName: basename(file),
      expectInspection: inspectionId,
      limits: { ...DEFAULT_LIMITS, stageOnDiskBytes: Number(stageOnDiskBytes) },
      // Resident memory once every changeset is verified and staged, before the write transaction.
      progress: (done, total, stage) => {
        if (stage === 'Checking' && done === total) stagedRssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
      },
    });
    const whole = runtime.ctx.db
      .prepare('SELECT count(*) AS n FROM evidence_note WHERE inspection_id = ? AND length(text) = ?')
      .get(inspectionId, Number(textLength)) as { n: number };
    // maxRSS is in KiB: the most resident memory the process ever had, SQLite's page caches included.
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stdout.write(
      `${JSON.stringify({ status: summary.status, newOps: summary.newOps, wholeNotes: whole.n, peakRssMiB, stagedRssMiB })}\n`,
    );
  } finally {
    runtime.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
