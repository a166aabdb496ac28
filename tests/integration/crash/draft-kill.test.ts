/**
 * An acknowledged autosave survives a kill: a process types a note (open draft, composer never
 * closed) and is SIGKILLed. On the next start the text is there and the draft is sealed, once:
 * one changeset holding one op per field; a second restart seals nothing more.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/domain/ids.js';
import { openRuntime } from '../../../main/services/runtime.js';
import { bundleWorker, runAndKill } from '../../support/crash-harness.js';
import { quietLog, sampleInspection, tempDir, testRuntime } from '../../support/runtime.js';

let dataDir: string;
let workerFile: string;
let inspectionId: string;

beforeAll(async () => {
  dataDir = tempDir('fieldwork-draft-kill-');
  workerFile = await bundleWorker(
    join(__dirname, '..', '..', 'crash', 'draft-worker.ts'),
    join(process.cwd(), '.test-output', 'crash'),
  );
  const runtime = await testRuntime({ dir: dataDir });
  inspectionId = (await runtime.call('inspections.create', { fields: { ...sampleInspection, inspectorates: ['ofsted'] } })).id;
  runtime.close();
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function restart(): Promise<{ text: string | null; changesets: number; ops: number; drafts: number }> {
  const rt = await openRuntime({ dataDir, log: quietLog, encryptStore: false, backups: false });
  try {
    const db = rt.ctx.db;
    return {
      text: (db.prepare('SELECT text FROM evidence_note').pluck().get() as string | undefined) ?? null,
      changesets: db.prepare("SELECT count(DISTINCT changeset_id) FROM op WHERE tbl = 'evidence_note'").pluck().get() as number,
      ops: db.prepare("SELECT count(*) FROM op WHERE tbl = 'evidence_note'").pluck().get() as number,
      drafts: db.prepare('SELECT count(*) FROM draft_edit').pluck().get() as number,
    };
  } finally {
    rt.close();
  }
}

describe('a kill after an acknowledged autosave', () => {
  it('keeps the text, seals it once on the next start, and not again on the one after', async () => {
    const noteId = newId();
    const result = await runAndKill(workerFile, [dataDir, inspectionId, noteId], 50);
    expect(result.stderr).toBe('');
    const acknowledged = result.acknowledged;
    expect(acknowledged).toHaveLength(3);
    const last = acknowledged.at(-1);
    // Killed with the composer open: the draft is in the file, unsealed.
    const first = await restart();
    expect(first).toEqual({ text: last, changesets: 1, ops: 8, drafts: 0 });
    expect(await restart()).toEqual(first);
  }, 120_000);
});
