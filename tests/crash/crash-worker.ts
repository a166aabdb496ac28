/**
 * Child process for the crash harness: saves evidence notes as fast as it can through the
 * real write path and prints "ack <id>" only after each save's transaction has committed.
 * The parent kills it with SIGKILL at a random moment.
 */
import { writeSync } from 'node:fs';
import { newId } from '../../shared/domain/ids.js';
import { openRuntime } from '../../main/services/runtime.js';
import { inTransaction } from '../../main/services/context.js';
import { writeEdits } from '../../main/sync/local-write.js';

async function main(): Promise<void> {
  const [dataDir, inspectionId] = process.argv.slice(2) as [string, string];
  const runtime = await openRuntime({ dataDir, log: { info: () => undefined, warn: () => undefined, error: () => undefined } });
  const { ctx } = runtime;
  writeSync(1, 'ready\n');
  for (let n = 0; ; n += 1) {
    const id = newId();
    const text = `Crash harness note ${id} `.repeat(1 + (n % 40));
    inTransaction(ctx, () =>
      writeEdits(ctx, inspectionId, [
        { table: 'evidence_note', row: id, field: 'text', value: text },
        { table: 'evidence_note', row: id, field: 'source', value: 'case_record' },
        { table: 'evidence_note', row: id, field: 'polarity', value: n % 2 ? 'strength' : 'weakness' },
        { table: 'evidence_note', row: id, field: 'themes', value: ['neglect'] },
      ]),
    );
    writeSync(1, `ack ${id}\n`);
  }
}

main().catch((error: unknown) => {
  writeSync(2, `worker failed: ${String(error)}\n`);
  process.exit(1);
});
