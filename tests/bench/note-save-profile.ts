/**
 * `node --cpu-prof dist/bench/note-save-profile.cjs <dataDir> <inspectionId> [notes]`: the bench's
 * note-save measure alone, on a copy of an inspector's store, so its CPU profile shows only the
 * saves. With no store given it makes one (an inspection with 2,000 notes) first. Prints the
 * figures as JSON. Used to find where a save's time goes (docs/benchmarks.md).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invoke } from '../../main/services/dispatch.js';
import { newId } from '../../shared/domain/ids.js';
import { measureNoteSaves } from './measures/note-save.js';
import { MEASURE_INSPECTION, openDataDir } from './team.js';

async function storeWithNotes(notes: number): Promise<{ dataDir: string; inspectionId: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldwork-note-save-'));
  const runtime = await openDataDir(dataDir);
  try {
    const inspection = await invoke(runtime.ctx, 'inspections.create', {
      fields: { ...MEASURE_INSPECTION, inspectorates: [...MEASURE_INSPECTION.inspectorates] },
      leadName: 'Asha Patel',
    });
    for (let i = 0; i < notes; i += 1) {
      await invoke(runtime.ctx, 'evidence.create', {
        inspectionId: inspection.id,
        id: newId(),
        fields: {
          text: `Note ${i}: strategy discussion held without the police; chronology incomplete.`,
          source: 'case_record',
          agency: 'social_care',
          themes: ['Children living with domestic abuse'],
          polarity: 'weakness',
          caseId: null,
        },
      });
    }
    return { dataDir, inspectionId: inspection.id };
  } finally {
    runtime.close();
  }
}

async function main(): Promise<void> {
  const [dir, id, count] = process.argv.slice(2);
  const source = dir && id ? { dataDir: dir, inspectionId: id } : await storeWithNotes(2_000);
  const work = mkdtempSync(join(tmpdir(), 'fieldwork-note-save-run-'));
  const run = await measureNoteSaves(source.dataDir, join(work, 'store'), source.inspectionId, Number(count ?? 300), 1);
  console.log(JSON.stringify(run));
}

void main();
