import { describe, expect, it } from 'vitest';
import { newId, sampledCaseId } from '../../../shared/domain/ids.js';
import { inTransaction } from '../../../main/services/context.js';
import { writeEdits } from '../../../main/sync/local-write.js';
import { type TestRuntime } from '../../support/runtime.js';
import { givenInspection, readStoreFile } from '../../support/given.js';

async function setUp() {
  const given = await givenInspection();
  return { rt: given.rt, inspectionId: given.inspectionId };
}

function addCase(rt: TestRuntime, inspectionId: string, caseRef: string, stage = 'child_protection'): string {
  const id = sampledCaseId(inspectionId, caseRef);
  inTransaction(rt.ctx, () =>
    writeEdits(rt.ctx, inspectionId, [
      { table: 'sampled_case', row: id, field: 'case_ref', value: caseRef },
      { table: 'sampled_case', row: id, field: 'stage', value: stage },
      { table: 'sampled_case', row: id, field: 'status', value: 'in_progress' },
    ]),
  );
  return id;
}

const fields = {
  text: 'Strategy discussion held within a day; police attended.',
  source: 'case_record',
  agency: 'police',
  themes: ['Multi-agency information sharing'],
  polarity: 'strength',
  caseId: null,
} as const;

describe('evidence notes', () => {
  it('creates a note with the client’s id, its author and time, and records every field as an op', async () => {
    const { rt, inspectionId } = await setUp();
    const caseId = addCase(rt, inspectionId, 'NS-1001');
    const id = newId();
    const note = await rt.call('evidence.create', {
      inspectionId,
      id,
      fields: { ...fields, themes: [...fields.themes], caseId },
    });
    expect(note).toMatchObject({ id, caseRef: 'NS-1001', polarity: 'strength', deleted: false });
    expect(note.author).toEqual({ key: rt.ctx.device.author, name: 'Asha Patel' });
    // The composer closes: its draft is sealed into the op log.
    await rt.call('evidence.sealDraft', { id });

    const file = readStoreFile(rt.storePath, rt.ctx.device);
    const row = file.prepare('SELECT text, themes, case_id, author FROM evidence_note WHERE id = ?').get(id) as Record<
      string,
      string
    >;
    expect(row).toMatchObject({ text: fields.text, case_id: caseId, author: rt.ctx.device.author });
    expect(JSON.parse(row.themes ?? '[]')).toEqual(['Multi-agency information sharing']);
    const opFields = (
      file.prepare("SELECT field FROM op WHERE tbl = 'evidence_note' AND row_id = ?").all(id) as { field: string }[]
    )
      .map((o) => o.field)
      .sort();
    expect(opFields).toEqual(['agency', 'author', 'case_id', 'created_at', 'polarity', 'source', 'text', 'themes']);
    file.close();
  });

  it('a retried first save does not duplicate the note, and an autosave with unchanged values writes no op', async () => {
    const { rt, inspectionId } = await setUp();
    const id = newId();
    await rt.call('evidence.create', { inspectionId, id, fields: { ...fields, themes: [] } });
    await rt.call('evidence.create', { inspectionId, id, fields: { ...fields, themes: [] } });
    // Each autosave is sealed (the composer closes) before the op log is counted.
    const countOps = async () => {
      await rt.call('evidence.sealDraft', { id });
      return (
        rt.ctx.db.prepare("SELECT count(*) AS n FROM op WHERE tbl = 'evidence_note' AND row_id = ?").get(id) as { n: number }
      ).n;
    };
    const before = await countOps();
    await rt.call('evidence.update', { id, fields: { text: fields.text, polarity: 'strength' } });
    expect(await countOps()).toBe(before);
    await rt.call('evidence.update', { id, fields: { text: `${fields.text} Child seen alone.` } });
    expect(await countOps()).toBe(before + 1);
    expect((await rt.call('evidence.list', { inspectionId })).notes.map((n) => n.id)).toEqual([id]);
    expect((await rt.call('evidence.get', { id })).text).toContain('Child seen alone.');
  });

  it('filters by case, agency, theme, polarity and author', async () => {
    const { rt, inspectionId } = await setUp();
    const a = addCase(rt, inspectionId, 'NS-1');
    const b = addCase(rt, inspectionId, 'NS-2');
    const make = (over: Partial<Record<keyof typeof fields, unknown>>) =>
      rt.call('evidence.create', {
        inspectionId,
        id: newId(),
        fields: { ...fields, themes: [...fields.themes], ...over } as never,
      });
    const n1 = await make({ caseId: a, agency: 'health', themes: ['Risk assessment'], polarity: 'weakness' });
    const n2 = await make({ caseId: b });
    const n3 = await make({ caseId: a, polarity: 'neutral' });
    const ids = async (filters: Record<string, string>) =>
      (await rt.call('evidence.list', { inspectionId, filters })).notes.map((n) => n.id).sort();
    expect(await ids({ caseId: a })).toEqual([n1.id, n3.id].sort());
    expect(await ids({ agency: 'health' })).toEqual([n1.id]);
    expect(await ids({ theme: 'Multi-agency information sharing' })).toEqual([n2.id, n3.id].sort());
    expect(await ids({ polarity: 'weakness' })).toEqual([n1.id]);
    expect(await ids({ author: rt.ctx.device.author })).toHaveLength(3);
    expect(await ids({ author: 'someone-else' })).toEqual([]);
    expect(await ids({ caseId: a, polarity: 'neutral' })).toEqual([n3.id]);
  });

  it('delete hides a note and restore brings it back unchanged, both through the op log', async () => {
    const { rt, inspectionId } = await setUp();
    const note = await rt.call('evidence.create', { inspectionId, id: newId(), fields: { ...fields, themes: [] } });
    await rt.call('evidence.delete', { id: note.id });
    expect((await rt.call('evidence.list', { inspectionId })).notes).toEqual([]);
    const withDeleted = (await rt.call('evidence.list', { inspectionId, includeDeleted: true })).notes;
    expect(withDeleted.map((n) => [n.id, n.deleted])).toEqual([[note.id, true]]);
    await expect(rt.call('evidence.update', { id: note.id, fields: { text: 'x' } })).rejects.toMatchObject({ code: 'conflict' });
    const restored = await rt.call('evidence.restore', { id: note.id });
    expect(restored).toMatchObject({ text: fields.text, deleted: false });
    const deletes = rt.ctx.db.prepare("SELECT value FROM op WHERE row_id = ? AND field = '_deleted' ORDER BY hlc").all(note.id);
    expect(deletes).toEqual([{ value: 'true' }, { value: 'false' }]);
  });

  it('refuses a case from outside the inspection with a clear message', async () => {
    const { rt, inspectionId } = await setUp();
    await expect(
      rt.call('evidence.create', { inspectionId, id: newId(), fields: { ...fields, themes: [], caseId: newId() } }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('not in this inspection') });
    expect((await rt.call('evidence.list', { inspectionId, includeDeleted: true })).notes).toEqual([]);
  });

  it('suggests the inspection theme, audit prompts and themes in use; lists sampled cases and authors', async () => {
    const { rt, inspectionId } = await setUp();
    addCase(rt, inspectionId, 'NS-9');
    await rt.call('evidence.create', { inspectionId, id: newId(), fields: { ...fields, themes: ['Housing'] } });
    const options = await rt.call('evidence.options', { inspectionId });
    expect(options.themes[0]).toBe('Children living with domestic abuse');
    expect(options.themes).toEqual(expect.arrayContaining(['Risk assessment', 'Housing']));
    expect(options.cases.map((c) => c.caseRef)).toEqual(['NS-9']);
    expect(options.authors).toEqual([{ key: rt.ctx.device.author, name: 'Asha Patel' }]);
  });
});
