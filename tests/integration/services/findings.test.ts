import { describe, expect, it } from 'vitest';
import { findingEvidenceId, newId } from '../../../shared/domain/ids.js';
import { givenInspection, readStoreFile } from '../../support/given.js';

async function setUp() {
  const { rt, inspectionId, addCase } = await givenInspection();
  const addNote = async (caseId: string | null, source: 'case_record' | 'manager', agency: 'police' | 'health') =>
    (
      await rt.call('evidence.create', {
        inspectionId,
        id: newId(),
        fields: { text: `Note ${source} ${agency}`, source, agency, themes: [], polarity: 'weakness', caseId },
      })
    ).id;
  return { rt, inspectionId, addCase, addNote };
}

const fields = {
  kind: 'improvement',
  statement: 'Information sharing at the front door is too slow.',
  agencies: ['police', 'social_care'],
  theme: 'Multi-agency information sharing',
} as const;

describe('findings', () => {
  it('creates a draft finding with its fields and author', async () => {
    const { rt, inspectionId } = await setUp();
    const f = await rt.call('findings.create', { inspectionId, fields: { ...fields, agencies: [...fields.agencies] } });
    expect(f).toMatchObject({ status: 'draft', statement: fields.statement, agencies: ['police', 'social_care'], noteIds: [] });
    expect(f.triangulation).toMatchObject({ noteCount: 0, thin: true });
    expect(f.author.name).toBe('Asha Patel');
  });

  it('refuses a finding without a statement or agency, with field messages', async () => {
    const { rt, inspectionId } = await setUp();
    await expect(
      rt.call('findings.create', { inspectionId, fields: { ...fields, statement: '  ', agencies: [] } }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('statement') });
  });

  it('links evidence by a derived id, unlinks by delete, relinks by restore, and triangulates', async () => {
    const { rt, inspectionId, addCase, addNote } = await setUp();
    const f = await rt.call('findings.create', { inspectionId, fields: { ...fields, agencies: ['partnership'] } });
    const a = addCase('NS-1');
    const b = addCase('NS-2');
    const n1 = await addNote(a, 'case_record', 'police');
    const n2 = await addNote(a, 'manager', 'health');
    let detail = await rt.call('findings.link', { findingId: f.id, noteId: n1 });
    detail = await rt.call('findings.link', { findingId: f.id, noteId: n2 });
    expect(detail.triangulation).toMatchObject({
      noteCount: 2,
      caseCount: 1,
      thin: true,
      reasons: ['Only one case supports it.'],
    });
    const n3 = await addNote(b, 'case_record', 'police');
    detail = await rt.call('findings.link', { findingId: f.id, noteId: n3 });
    expect(detail.triangulation).toMatchObject({ noteCount: 3, caseCount: 2, thin: false });
    expect(detail.triangulation.sources).toEqual(['case_record', 'manager']);
    expect(detail.inspectorNames).toEqual(['Asha Patel']);
    expect(detail.notes.map((n) => n.id)).toEqual([n1, n2, n3]);

    detail = await rt.call('findings.unlink', { findingId: f.id, noteId: n3 });
    expect(detail.triangulation.thin).toBe(true);
    const file = readStoreFile(rt.storePath, rt.ctx.device);
    const link = file
      .prepare('SELECT finding_id, note_id, deleted FROM finding_evidence WHERE id = ?')
      .get(findingEvidenceId(f.id, n3));
    expect(link).toEqual({ finding_id: f.id, note_id: n3, deleted: 1 });
    file.close();
    detail = await rt.call('findings.link', { findingId: f.id, noteId: n3 });
    expect(detail.noteIds).toHaveLength(3);
    const list = await rt.call('findings.list', { inspectionId });
    expect(list[0]?.triangulation.noteCount).toBe(3);

    // A deleted note no longer supports the finding.
    await rt.call('evidence.delete', { id: n3 });
    expect((await rt.call('findings.get', { id: f.id })).noteIds).toEqual([n1, n2]);
  });

  it('moves status draft → proposed → agreed, can withdraw and reopen, and refuses skipping ahead', async () => {
    const { rt, inspectionId } = await setUp();
    const f = await rt.call('findings.create', { inspectionId, fields: { ...fields, agencies: ['police'] } });
    await expect(rt.call('findings.setStatus', { id: f.id, status: 'agreed' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'A finding that is draft cannot be made agreed.',
    });
    expect((await rt.call('findings.setStatus', { id: f.id, status: 'proposed' })).status).toBe('proposed');
    await expect(rt.call('findings.setStatus', { id: f.id, status: 'agreed' })).rejects.toMatchObject({ code: 'invalid_input' });
    expect((await rt.call('findings.setStatus', { id: f.id, status: 'agreed', reason: 'Agreed by the team' })).status).toBe(
      'agreed',
    );
    await expect(
      rt.call('findings.update', { id: f.id, fields: { ...fields, agencies: ['police'], statement: 'Changed quietly' } }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('agreed by the team') });
    const w = await rt.call('findings.setStatus', { id: f.id, status: 'withdrawn', reason: 'Merged into another finding' });
    expect(w).toMatchObject({ status: 'withdrawn', statusReason: 'Merged into another finding' });
    expect((await rt.call('findings.setStatus', { id: f.id, status: 'draft' })).status).toBe('draft');
    const statuses = rt.ctx.db.prepare("SELECT value FROM op WHERE row_id = ? AND field = 'status' ORDER BY hlc").all(f.id);
    expect(statuses.map((s) => (s as { value: string }).value)).toEqual([
      '"draft"',
      '"proposed"',
      '"agreed"',
      '"withdrawn"',
      '"draft"',
    ]);
  });

  it('filters by kind, status, agency and theme; edits go through the op log', async () => {
    const { rt, inspectionId } = await setUp();
    const f1 = await rt.call('findings.create', { inspectionId, fields: { ...fields, agencies: ['police'] } });
    const f2 = await rt.call('findings.create', {
      inspectionId,
      fields: { kind: 'strength', statement: 'Health visitors know their families well.', agencies: ['health'], theme: null },
    });
    const ids = async (filters: Record<string, string>) =>
      (await rt.call('findings.list', { inspectionId, filters })).map((f) => f.id);
    expect(await ids({ kind: 'strength' })).toEqual([f2.id]);
    expect(await ids({ agency: 'police' })).toEqual([f1.id]);
    expect(await ids({ theme: fields.theme })).toEqual([f1.id]);
    await rt.call('findings.update', {
      id: f2.id,
      fields: { kind: 'priority_action', statement: 'Changed.', agencies: ['health'], theme: null },
    });
    expect(await ids({ kind: 'priority_action' })).toEqual([f2.id]);
    const edits = rt.ctx.db.prepare("SELECT field FROM op WHERE row_id = ? AND field IN ('kind','statement') ").all(f2.id);
    expect(edits).toHaveLength(4);
  });
});
