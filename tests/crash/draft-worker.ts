/**
 * Child process for the draft kill test: types one note in bursts through the autosave
 * commands (each an open draft, never sealed here), prints "ack <text>" once each save has
 * returned, then "ready" and waits to be killed with SIGKILL: the composer never closes.
 */
import { writeSync } from 'node:fs';
import { invoke } from '../../main/services/dispatch.js';
import { openRuntime } from '../../main/services/runtime.js';

async function main(): Promise<void> {
  const [dataDir, inspectionId, noteId] = process.argv.slice(2) as [string, string, string];
  const runtime = await openRuntime({
    dataDir,
    encryptStore: false,
    backups: false,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const { ctx } = runtime;
  let text = '';
  for (const [i, burst] of ['Seen at home;', ' the mother said', ' the boyfriend has moved back in.'].entries()) {
    text += burst;
    if (i === 0) {
      await invoke(ctx, 'evidence.create', {
        inspectionId,
        id: noteId,
        fields: { text, source: 'case_record', agency: null, themes: [], polarity: 'weakness', caseId: null },
      });
    } else {
      await invoke(ctx, 'evidence.update', { id: noteId, fields: { text } });
    }
    writeSync(1, `ack ${text}\n`);
  }
  writeSync(1, 'ready\n');
  setInterval(() => undefined, 1_000);
}

main().catch((error: unknown) => {
  writeSync(2, `worker failed: ${String(error)}\n`);
  process.exit(1);
});
