import { describe, expect, it } from 'vitest';
import { newId } from '../../../shared/domain/ids.js';
import { givenInspection } from '../../support/given.js';

async function setUp() {
  const { rt: r, inspectionId } = await givenInspection({ leadName: null });
  const inspection = { id: inspectionId };
  const note = async (text: string, source: 'case_record' | 'practitioner') =>
    (
      await r.call('evidence.create', {
        inspectionId: inspection.id,
        id: newId(),
        fields: { text, source, agency: 'social_care', themes: [], polarity: 'weakness', caseId: null },
      })
    ).id;
  const finding = async (statement: string) =>
    (
      await r.call('findings.create', {
        inspectionId: inspection.id,
        fields: { kind: 'improvement', statement, agencies: ['social_care'], theme: 'Planning' },
      })
    ).id;
  return { r, inspectionId: inspection.id, note, finding };
}

describe('moderation', () => {
  it('merging duplicates keeps every evidence link on the kept finding and withdraws the others with a reason', async () => {
    const { r, note, finding } = await setUp();
    const [n1, n2, n3] = [
      await note('Plan lacks actions', 'case_record'),
      await note('Manager agrees plans drift', 'practitioner'),
      await note('Another vague plan', 'case_record'),
    ];
    const keep = await finding('Plans lack specific actions.');
    const dup1 = await finding('Plans are not specific.');
    const dup2 = await finding('Children’s plans are vague.');
    await r.call('findings.link', { findingId: keep, noteId: n1 });
    await r.call('findings.link', { findingId: dup1, noteId: n2 });
    await r.call('findings.link', { findingId: dup1, noteId: n1 });
    await r.call('findings.link', { findingId: dup2, noteId: n3 });

    const result = await r.call('moderation.merge', {
      targetId: keep,
      sourceIds: [dup1, dup2],
      reason: 'Same finding worded three ways',
    });
    expect(result).toEqual({ targetId: keep, linksAdded: 2, withdrawn: 2 });

    const kept = await r.call('findings.get', { id: keep });
    expect(new Set(kept.noteIds)).toEqual(new Set([n1, n2, n3]));
    expect(kept.triangulation.sources.sort()).toEqual(['case_record', 'practitioner']);
    for (const id of [dup1, dup2]) {
      const withdrawn = await r.call('findings.get', { id });
      expect(withdrawn.status).toBe('withdrawn');
      expect(withdrawn.statusReason).toContain('Same finding worded three ways');
    }
    const mergedInto = r.ctx.db.prepare('SELECT merged_into FROM finding WHERE id = ?').get(dup1) as { merged_into: string };
    expect(mergedInto.merged_into).toBe(keep);
    // Merging again changes nothing more.
    const again = await r.call('moderation.merge', { targetId: keep, sourceIds: [dup1], reason: 'again' });
    expect(again.linksAdded).toBe(0);
  });

  it('an edit to an agreed finding needs a reason, and the reason is recorded with the edit', async () => {
    const { r, finding } = await setUp();
    const id = await finding('Management oversight is inconsistent.');
    await r.call('findings.setStatus', { id, status: 'proposed', reason: 'For the team meeting' });
    await r.call('findings.setStatus', { id, status: 'agreed', reason: 'Agreed by the team' });
    await expect(
      r.call('moderation.editAgreed', {
        id,
        fields: { kind: 'improvement', statement: 'x', agencies: ['social_care'], theme: null },
        reason: '',
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await r.call('moderation.editAgreed', {
      id,
      fields: {
        kind: 'improvement',
        statement: 'Management oversight of plans is inconsistent.',
        agencies: ['social_care'],
        theme: null,
      },
      reason: 'Wording agreed with the lead',
    });
    const ops = r.ctx.db
      .prepare(
        "SELECT field, changeset_id FROM op WHERE row_id = ? AND field IN ('statement', 'edit_reason') ORDER BY hlc DESC LIMIT 2",
      )
      .all(id) as { field: string; changeset_id: string }[];
    expect(ops.map((o) => o.field).sort()).toEqual(['edit_reason', 'statement']);
    expect(ops[0]?.changeset_id).toBe(ops[1]?.changeset_id);
    expect((await r.call('findings.get', { id })).statement).toBe('Management oversight of plans is inconsistent.');
  });
});
