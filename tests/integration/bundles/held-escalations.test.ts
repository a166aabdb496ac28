/**
 * Issue 12, item 5: escalations are never held. A bundle that would delete more than 10
 * records waits for the lead's confirmation, but the new escalation in it reaches the lead's
 * escalation list at once, stays there after "Skip this file", and the hold names who, what
 * and how many of which record.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import { edit, exportTo, importFile, joinAll, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { tempDir } from '../../support/runtime.js';

let team: Team;
let folder: string;
beforeAll(async () => {
  team = await makeTeam(1);
  folder = tempDir('fieldwork-held-');
  await joinAll(team, folder);
});
afterAll(() => team.dispose());

describe('a held bundle', () => {
  it('applies and shows its escalation at once, keeps it after a skip, and names what is held', async () => {
    const inspector = team.inspectors[0]!;
    const lead = team.lead;
    const notes = Array.from({ length: 12 }, () => newNoteId());
    edit(
      inspector.ctx,
      team.inspectionId,
      notes.flatMap((id, i) => noteEdits(id, `Note ${i}`)),
    );
    const first = join(folder, 'notes.fwbundle');
    await exportTo(inspector.ctx, team.inspectionId, first);
    expect((await importFile(lead.ctx, first)).status).toBe('imported');

    const escalation = newNoteId();
    edit(inspector.ctx, team.inspectionId, [
      ...notes.map((id) => ({ table: 'evidence_note' as const, row: id, field: '_deleted', value: true })),
      { table: 'escalation', row: escalation, field: 'concern', value: 'Child left alone overnight' },
      { table: 'escalation', row: escalation, field: 'identified_by', value: 'Inspector 1' },
    ]);
    const held = join(folder, 'deletes.fwbundle');
    await exportTo(inspector.ctx, team.inspectionId, held);

    const error = await importFile(lead.ctx, held).then(
      () => null,
      (e: unknown) => e as AppError,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error?.details).toMatchObject({
      reason: 'needs-confirmation',
      deletions: 12,
      held: {
        signer: { author: inspector.ctx.device.author, name: 'Inspector 1' },
        deletionsByTable: { evidence_note: 12 },
        escalationsApplied: [escalation],
      },
    });
    expect(error?.message).toBe(
      'This bundle from Inspector 1 would delete 12 records (12 evidence notes). Check the summary and confirm the deletions to import the rest of it. Its new escalation has been added already.',
    );
    const listed = await lead.call('escalations.list', { inspectionId: team.inspectionId, openOnly: true });
    expect(listed.map((e) => e.id)).toContain(escalation);
    const live = lead.ctx.db.prepare(
      'SELECT count(*) AS n FROM evidence_note WHERE deleted = 0 AND id IN (SELECT value FROM json_each(?))',
    );
    expect(live.get(JSON.stringify(notes))).toEqual({ n: 12 });

    // "Skip this file": nothing more is imported, and the escalation is still there; a second try is held the same way.
    const again = await importFile(lead.ctx, held).then(
      () => null,
      (e: unknown) => e as AppError,
    );
    expect(again?.details?.reason).toBe('needs-confirmation');
    const after = await lead.call('escalations.list', { inspectionId: team.inspectionId, openOnly: true });
    expect(after.filter((e) => e.id === escalation)).toHaveLength(1);
    expect(live.get(JSON.stringify(notes))).toEqual({ n: 12 });

    // Confirmed: the rest of the bundle (the deletions) is applied.
    const confirmed = await importFile(lead.ctx, held, { confirmDeletions: true });
    expect(confirmed).toMatchObject({ status: 'imported', deletions: 12 });
    expect(live.get(JSON.stringify(notes))).toEqual({ n: 0 });
    expect((await lead.call('escalations.list', { inspectionId: team.inspectionId, openOnly: true })).map((e) => e.id)).toContain(
      escalation,
    );
  });
});
