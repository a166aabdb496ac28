/**
 * The lead's conflict queue at a fixed size (`--conflicts N`, issue 15's "< 100 ms for 1,000
 * conflicts"), without generating a whole team: a lead and one inspector, N notes written by the
 * lead through the service and sent to the inspector in a real bundle; then both edit every note
 * on the same field without seeing the other's edit (polarity on half, a line added to the text
 * on the other half, as the team generator's later edits do), and the inspector's bundle is
 * merged at the lead. Every conflict is made by real ops through the real merge. Then
 * `conflicts.list` is timed on the lead's store, reopened as the app opens it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportBundleToFile, importBundleFile } from '../../../main/services/bundles.js';
import { invoke } from '../../../main/services/dispatch.js';
import { fingerprint } from '../../../main/sync/device-identity.js';
import { newId } from '../../../shared/domain/ids.js';
import { measureConflictList, type ConflictListRun } from './queries.js';
import { MEASURE_INSPECTION, openDataDir } from '../team.js';

export interface ConflictCorpusRun extends ConflictListRun {
  readonly notes: number;
  /** Null when the corpus was found in the cache. */
  readonly buildSeconds: number | null;
}

const NOTE_TEXT = 'Strategy discussion held within a day of the referral; police and health attended and shared history.';

/** The lead's data folder and inspection (kept in the cache folder: made once per size). */
async function conflictCorpus(
  cacheRoot: string,
  notes: number,
  say: (line: string) => void,
): Promise<{ leadDir: string; inspectionId: string; buildSeconds: number | null }> {
  const workDir = join(cacheRoot, `conflicts-${notes}`);
  const leadDir = join(workDir, 'lead');
  const marker = join(workDir, 'corpus.json');
  if (existsSync(marker)) {
    const { inspectionId } = JSON.parse(readFileSync(marker, 'utf8')) as { inspectionId: string };
    return { leadDir, inspectionId, buildSeconds: null };
  }
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const started = performance.now();
  const lead = await openDataDir(leadDir);
  const inspector = await openDataDir(join(workDir, 'inspector'));
  let inspectionId: string;
  try {
    const inspection = await invoke(lead.ctx, 'inspections.create', {
      fields: { ...MEASURE_INSPECTION, inspectorates: [...MEASURE_INSPECTION.inspectorates] },
      leadName: 'Asha Patel',
    });
    inspectionId = inspection.id;
    await invoke(lead.ctx, 'team.add', {
      inspectionId,
      fields: {
        name: 'Ben Okafor',
        inspectorate: 'ofsted',
        role: 'inspector',
        specialism: 'social_care',
        signingKey: inspector.ctx.device.author,
        boxKey: inspector.ctx.device.ageRecipient,
      },
    });
    const ids: string[] = [];
    for (let i = 0; i < notes; i += 1) {
      const id = newId();
      ids.push(id);
      await invoke(lead.ctx, 'evidence.create', {
        inspectionId,
        id,
        fields: {
          text: `${NOTE_TEXT} (${i + 1})`,
          source: 'case_record',
          agency: 'police',
          themes: [],
          polarity: null,
          caseId: null,
        },
      });
    }
    const toInspector = join(workDir, 'lead.fwbundle');
    await exportBundleToFile(lead.ctx, { inspectionId, mode: 'full', recipients: { kind: 'team' } }, toInspector);
    await importBundleFile(inspector.ctx, toInspector, {
      fileName: 'lead.fwbundle',
      trustLead: fingerprint(lead.ctx.device.author),
    });
    // The same field edited on both laptops, neither having seen the other's edit.
    for (const [i, id] of ids.entries()) {
      const text = `${NOTE_TEXT} (${i + 1})`;
      await invoke(lead.ctx, 'evidence.update', {
        id,
        fields: i % 2 === 0 ? { polarity: 'strength' } : { text: `${text}\nThe lead's follow-up: minutes seen.` },
      });
      await invoke(inspector.ctx, 'evidence.update', {
        id,
        fields: i % 2 === 0 ? { polarity: 'weakness' } : { text: `${text}\nBen's follow-up: no minutes on file.` },
      });
    }
    const toLead = join(workDir, 'inspector.fwbundle');
    await exportBundleToFile(inspector.ctx, { inspectionId, mode: 'delta', recipients: { kind: 'team' } }, toLead);
    const merged = await importBundleFile(lead.ctx, toLead, { fileName: 'inspector.fwbundle', expectInspection: inspectionId });
    say(`  conflict corpus: ${merged.newConflicts} conflicts from ${notes} notes edited on both laptops`);
  } finally {
    inspector.close();
    lead.close();
  }
  writeFileSync(marker, JSON.stringify({ inspectionId, notes }));
  return { leadDir, inspectionId, buildSeconds: (performance.now() - started) / 1000 };
}

export async function measureConflictCorpus(
  cacheRoot: string,
  notes: number,
  times: number,
  say: (line: string) => void,
): Promise<ConflictCorpusRun> {
  const corpus = await conflictCorpus(cacheRoot, notes, say);
  const lead = await openDataDir(corpus.leadDir);
  try {
    const run = await measureConflictList(lead.ctx, corpus.inspectionId, times);
    return { ...run, notes, buildSeconds: corpus.buildSeconds };
  } finally {
    lead.close();
  }
}
