import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  canonicalDump,
  edit,
  exportTo,
  fileHash,
  importFile,
  joinAll,
  makeTeam,
  newNoteId,
  noteEdits,
  type Team,
} from '../../fixtures/bundles.js';
import { tempDir } from '../../support/runtime.js';

let team: Team | undefined;
afterEach(() => team?.dispose());

describe('three inspectors, one lead, real bundle files on disk', () => {
  it('merges every inspector into the lead, publishes, and every store then matches the lead', async () => {
    team = await makeTeam(3);
    const folder = tempDir('fieldwork-bundles-');
    await joinAll(team, folder);
    for (const inspector of team.inspectors) {
      expect(canonicalDump(inspector.ctx.db)).toEqual(canonicalDump(team.lead.ctx.db));
    }

    // Each inspector writes notes; two of them edit the same shared note concurrently.
    const shared = newNoteId();
    edit(team.inspectors[0]!.ctx, team.inspectionId, noteEdits(shared, 'Strategy meeting held within a day.'));
    const first = join(folder, 'i1-a.fwbundle');
    await exportTo(team.inspectors[0]!.ctx, team.inspectionId, first);
    const firstResult = await importFile(team.lead.ctx, first);
    expect(firstResult).toMatchObject({ status: 'imported', newConflicts: 0 });
    expect(firstResult.newOps).toBeGreaterThan(0);
    const publish1 = join(folder, 'lead-1.fwbundle');
    await exportTo(team.lead.ctx, team.inspectionId, publish1);
    for (const inspector of team.inspectors.slice(1)) await importFile(inspector.ctx, publish1);

    edit(team.inspectors[1]!.ctx, team.inspectionId, [
      { table: 'evidence_note', row: shared, field: 'text', value: 'Strategy meeting held the same day.' },
    ]);
    edit(team.inspectors[2]!.ctx, team.inspectionId, [
      { table: 'evidence_note', row: shared, field: 'text', value: 'Strategy meeting delayed by a week.' },
    ]);
    team.inspectors.forEach((inspector, i) =>
      edit(inspector.ctx, team!.inspectionId, noteEdits(newNoteId(), `Own note from inspector ${i + 1}.`)),
    );

    const files: string[] = [];
    for (const [i, inspector] of team.inspectors.entries()) {
      const path = join(folder, `inspector-${i + 1}.fwbundle`);
      const result = await exportTo(inspector.ctx, team.inspectionId, path);
      expect(result.changesets).toBeGreaterThan(0);
      files.push(path);
    }
    expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    let conflicts = 0;
    for (const path of files) conflicts += (await importFile(team.lead.ctx, path)).newConflicts;
    expect(conflicts).toBe(1);

    const published = join(folder, 'lead-publish.fwbundle');
    await exportTo(team.lead.ctx, team.inspectionId, published);
    for (const inspector of team.inspectors) {
      await importFile(inspector.ctx, published);
      expect(canonicalDump(inspector.ctx.db)).toEqual(canonicalDump(team.lead.ctx.db));
    }
    const conflictRows = team.lead.ctx.db.prepare('SELECT tbl, field FROM conflict').all();
    expect(conflictRows).toEqual([{ tbl: 'evidence_note', field: 'text' }]);
  });

  it('re-importing a bundle says already imported and changes not one byte', async () => {
    team = await makeTeam(1);
    const folder = tempDir('fieldwork-bundles-');
    await joinAll(team, folder);
    const inspector = team.inspectors[0]!;
    edit(inspector.ctx, team.inspectionId, noteEdits(newNoteId(), 'Clear plan for the child.'));
    const path = join(folder, 'inspector.fwbundle');
    await exportTo(inspector.ctx, team.inspectionId, path);
    expect((await importFile(team.lead.ctx, path)).status).toBe('imported');
    const dump = canonicalDump(team.lead.ctx.db);
    const hash = fileHash(team.lead.ctx.db, team.lead.storePath);
    const again = await importFile(team.lead.ctx, path);
    expect(again).toMatchObject({ status: 'already_imported', newOps: 0, updatedFields: 0, deletions: 0 });
    expect(canonicalDump(team.lead.ctx.db)).toEqual(dump);
    expect(fileHash(team.lead.ctx.db, team.lead.storePath)).toBe(hash);
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it('a laptop whose clock is days ahead is imported with a warning, and a later edit still wins', async () => {
    const threeDays = 3 * 24 * 3_600_000;
    team = await makeTeam(1, { clocks: [() => Date.now(), () => Date.now() + threeDays] });
    const folder = tempDir('fieldwork-bundles-');
    await joinAll(team, folder);
    const inspector = team.inspectors[0]!;
    const note = newNoteId();
    edit(inspector.ctx, team.inspectionId, noteEdits(note, 'Written on a laptop set three days ahead.'));
    const path = join(folder, 'ahead.fwbundle');
    await exportTo(inspector.ctx, team.inspectionId, path);
    const warnings: Record<string, unknown>[] = [];
    const result = await importFile(team.lead.ctx, path, { warn: (_message, details) => warnings.push(details) });
    expect(result.status).toBe('imported');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.aheadMs).toBeGreaterThan(threeDays - 60_000);
    edit(team.lead.ctx, team.inspectionId, [
      { table: 'evidence_note', row: note, field: 'text', value: 'Corrected by the lead.' },
    ]);
    const row = team.lead.ctx.db.prepare('SELECT text FROM evidence_note WHERE id = ?').get(note) as { text: string };
    expect(row.text).toBe('Corrected by the lead.');
    expect(team.lead.ctx.db.prepare('SELECT count(*) AS n FROM conflict').get()).toEqual({ n: 0 });
  });
});
