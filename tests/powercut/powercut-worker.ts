/**
 * Child process for the power-cut harness: does one kind of work on a data folder that lives
 * on the power-cut filesystem, through the app's own code, and prints "ack <what>" only once
 * the app has said the work is done (a committed save, a returned export, backup or restore).
 * The filesystem cuts the power at an operation the harness chose; from then on every call
 * fails, and the harness kills this process and checks what a restarted laptop would find.
 *
 * Usage: powercut-worker OPERATION DATA_DIR PARAMS_JSON [--synchronous-off] [--no-folder-sync]
 * The two flags switch off durability on purpose, to prove the harness catches the regression.
 */
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '../../shared/domain/ids.js';
import { openRuntime, STORE_FILE, type Runtime } from '../../main/services/runtime.js';
import { inTransaction } from '../../main/services/context.js';
import { invoke } from '../../main/services/dispatch.js';
import { exportBundleToFile, importBundleFile } from '../../main/services/bundles.js';
import { bundlePortFor } from '../../main/services/sync.js';
import { writeEdits } from '../../main/sync/local-write.js';
import { enqueueBundle } from '../../main/sync/outbox.js';
import { maxOwnSeq } from '../../main/store/sync-repo.js';
import { restoreStoreFile } from '../../main/store/backup.js';
import { weakenDurabilityForTests } from '../../main/store/durable-file.js';
import { sampleInspection } from '../support/runtime.js';

export interface WorkerParams {
  readonly inspectionId?: string;
  /** How many notes (or rounds of work) before the worker stops by itself. */
  readonly rounds?: number;
  readonly bundlePath?: string;
  readonly backupPath?: string;
  readonly storeKey?: string;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** With HOLD_AFTER_ACK=n the worker stops dead after its n-th acknowledgement, for a cut right there. */
const holdAfterAck = Number(process.env.POWERCUT_HOLD_AFTER_ACK ?? 0);
let acks = 0;

function say(line: string): void {
  writeSync(1, `${line}\n`);
  if (!line.startsWith('ack ') || (acks += 1) !== holdAfterAck) return;
  writeSync(1, 'holding\n');
  // Blocks this thread (the user was just told the work is saved); the harness cuts the power and kills us.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
}

function saveNote(runtime: Runtime, inspectionId: string, n: number): string {
  const id = newId();
  const ctx = runtime.ctx;
  inTransaction(ctx, () =>
    writeEdits(ctx, inspectionId, [
      { table: 'evidence_note', row: id, field: 'text', value: `Power cut note ${id} `.repeat(1 + (n % 30)) },
      { table: 'evidence_note', row: id, field: 'source', value: 'case_record' },
      { table: 'evidence_note', row: id, field: 'polarity', value: n % 2 ? 'strength' : 'weakness' },
    ]),
  );
  say(`ack note ${id}`);
  return id;
}

async function notes(dataDir: string, params: WorkerParams): Promise<void> {
  const runtime = await openRuntime({ dataDir, log: quiet });
  for (let n = 0; n < (params.rounds ?? 20); n += 1) saveNote(runtime, params.inspectionId as string, n);
  // Quitting takes the on-quit backup: cut that too.
  const quit = runtime.backups?.stop() ?? null;
  if (quit) say(`ack backup ${quit.name}`);
  runtime.ctx.db.close();
}

async function firstStart(dataDir: string, params: WorkerParams): Promise<void> {
  const runtime = await openRuntime({ dataDir, log: quiet });
  const inspection = await invoke(runtime.ctx, 'inspections.create', {
    fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
    leadName: 'Asha Patel',
  });
  say(`ack inspection ${inspection.id}`);
  for (let n = 0; n < (params.rounds ?? 5); n += 1) saveNote(runtime, inspection.id, n);
  runtime.close();
}

async function backups(dataDir: string, params: WorkerParams): Promise<void> {
  const runtime = await openRuntime({ dataDir, log: quiet });
  for (let n = 0; n < (params.rounds ?? 3); n += 1) {
    saveNote(runtime, params.inspectionId as string, n);
    const backup = await invoke(runtime.ctx, 'backups.create', {});
    say(`ack backup ${backup.name}`);
  }
  saveNote(runtime, params.inspectionId as string, 99);
  const quit = runtime.backups?.stop() ?? null;
  if (quit) say(`ack backup ${quit.name}`);
  runtime.ctx.db.close();
}

async function exports(dataDir: string, params: WorkerParams): Promise<void> {
  const runtime = await openRuntime({ dataDir, log: quiet });
  const { ctx } = runtime;
  const inspectionId = params.inspectionId as string;
  const port = bundlePortFor(ctx);
  for (let n = 0; n < (params.rounds ?? 2); n += 1) {
    saveNote(runtime, inspectionId, n);
    // What `fieldwork export --to FILE` does.
    const path = join(dataDir, `export-${n}.fwbundle`);
    await exportBundleToFile(ctx, { inspectionId, mode: 'full', recipients: { kind: 'team' } }, path);
    say(`ack bundle ${path}`);
    // What a sync run does: the outbox, then the store's record of it.
    const item = await enqueueBundle({
      db: ctx.db,
      dataDir,
      inspectionId,
      kind: 'delta',
      throughSeq: maxOwnSeq(ctx.db, inspectionId, ctx.device.author),
      now: ctx.now(),
      write: (file) => port.exportBundle({ inspectionId, kind: 'delta', path: file }),
    });
    if (item) say(`ack outbox ${item.sha256}`);
  }
  runtime.close();
}

async function merge(dataDir: string, params: WorkerParams): Promise<void> {
  const runtime = await openRuntime({ dataDir, log: quiet });
  const summary = await importBundleFile(runtime.ctx, params.bundlePath as string, { fileName: 'teammate.fwbundle' });
  say(`ack merged ${summary.bundleId} ${summary.status}`);
  runtime.close();
}

/** `fieldwork restore --force`, then carrying on with the restored store. */
async function restore(dataDir: string, params: WorkerParams): Promise<void> {
  const { setAsidePath } = restoreStoreFile(join(dataDir, STORE_FILE), params.backupPath as string, {
    label: 'before-restore',
    store: { key: params.storeKey as string },
  });
  say(`ack restored ${setAsidePath ?? ''}`);
  const runtime = await openRuntime({ dataDir, log: quiet });
  for (let n = 0; n < (params.rounds ?? 5); n += 1) saveNote(runtime, params.inspectionId as string, n);
  runtime.close();
}

const OPERATIONS = { notes, firstStart, backups, exports, merge, restore } as const;
export type PowerCutOperation = keyof typeof OPERATIONS;

async function main(): Promise<void> {
  const [operation, dataDir, paramsJson, ...flags] = process.argv.slice(2) as [PowerCutOperation, string, string, ...string[]];
  weakenDurabilityForTests({
    synchronousOff: flags.includes('--synchronous-off'),
    skipFolderSync: flags.includes('--no-folder-sync'),
  });
  const params = JSON.parse(paramsJson) as WorkerParams;
  say('started');
  await OPERATIONS[operation](dataDir, params);
  say('done');
}

main().catch((error: unknown) => {
  // After the cut every call fails: that is expected, and says nothing about durability.
  writeSync(2, `worker stopped: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
