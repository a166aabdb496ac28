/**
 * Does the shell stay responsive while a merge runs? The core host (main/host) is started on a
 * copy of the lead's store, exactly as the desktop app and browser mode start it, and every
 * inspector's bundle is imported through it (`bundles.import`, the command the window sends).
 * Meanwhile the shell's thread (this one, as the desktop main process is for the window) is
 * pinged every 10 ms: a message round trip over a MessageChannel, which waits for the thread's
 * event loop exactly as the window's IPC does. The figure is the slowest answer during the merge.
 * Not in it: in the desktop app the bundle's bytes come from the window over IPC, and Electron
 * deserializes them on the main thread once per bundle (a structured clone of a 98 MB bundle
 * took 140-200 ms here under load); docs/benchmarks.md says what would remove that.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { startCoreHost } from '../../../main/host/core-host.js';
import { percentile } from '../numbers.js';
import { copyDataDir } from '../team.js';

export interface PingFigures {
  readonly pings: number;
  readonly maxMs: number;
  readonly p99Ms: number;
  readonly mergeMs: number;
  readonly bundles: number;
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export async function measurePingDuringMerge(
  workerScript: string,
  leadTemplateDir: string,
  workDir: string,
  inspectionId: string,
  bundleFiles: readonly string[],
): Promise<PingFigures> {
  copyDataDir(leadTemplateDir, workDir);
  const host = await startCoreHost({ workerScript, dataDir: workDir, holder: 'the benchmark', backups: false });
  const { port1, port2 } = new MessageChannel();
  port2.on('message', (sent: number) => port2.postMessage(sent));
  const answers: number[] = [];
  port1.on('message', (sent: number) => answers.push(nowMs() - sent));
  const timer = setInterval(() => port1.postMessage(nowMs()), 10);
  const started = nowMs();
  try {
    for (const file of bundleFiles) {
      // Read off the thread (as the window's own file read is): a synchronous read of a 98 MB
      // 10× bundle held this thread for about 200 ms, and that was the slowest ping measured.
      const bytes = await readFile(file);
      const result = await host.dispatch('bundles.import', {
        fileName: basename(file),
        bytes,
        inspectionId,
        confirmDeletions: true,
      });
      if (!result.ok) throw new Error(`The merge through the core host failed: ${result.error.message}`);
    }
  } finally {
    clearInterval(timer);
    port1.close();
    port2.close();
    await host.close();
  }
  return {
    pings: answers.length,
    maxMs: Math.max(...answers),
    p99Ms: percentile(answers, 99),
    mergeMs: nowMs() - started,
    bundles: bundleFiles.length,
  };
}
