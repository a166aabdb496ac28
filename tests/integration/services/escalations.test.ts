import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../../main/services/context.js';
import { CONCERN_PLACEHOLDER } from '../../../main/services/escalations.js';
import { writeEdits } from '../../../main/sync/local-write.js';
import { givenInspection, readStoreFile } from '../../support/given.js';

let clock = Date.parse('2026-11-04T10:00:00Z');
async function setUp() {
  clock = Date.parse('2026-11-04T10:00:00Z');
  const { rt, inspectionId, addCase } = await givenInspection({ now: () => clock });
  return { rt, inspectionId, caseId: addCase('NS-77') };
}

describe('escalations', () => {
  it('raising one records what, who and when, and counts as open on the inspection', async () => {
    const { rt, inspectionId, caseId } = await setUp();
    const e = await rt.call('escalations.raise', { inspectionId, caseId, concern: '  Child left alone overnight  ' });
    expect(e).toMatchObject({
      caseRef: 'NS-77',
      concern: 'Child left alone overnight',
      identifiedAt: '2026-11-04T10:00:00.000Z',
      identifiedBy: { key: rt.ctx.device.author, name: 'Asha Patel' },
      closedAt: null,
    });
    expect((await rt.call('inspections.get', { id: inspectionId })).openEscalations).toBe(1);
    const file = readStoreFile(rt.storePath, rt.ctx.device);
    const row = file.prepare('SELECT concern, case_id, identified_by FROM escalation WHERE id = ?').get(e.id);
    expect(row).toEqual({ concern: 'Child left alone overnight', case_id: caseId, identified_by: rt.ctx.device.author });
    file.close();
  });

  it('is never blocked by validation: an empty or missing concern saves with a placeholder', async () => {
    const { rt, inspectionId, caseId } = await setUp();
    const empty = await rt.call('escalations.raise', { inspectionId, caseId, concern: '   ' });
    const missing = await rt.call('escalations.raise', { inspectionId });
    const huge = await rt.call('escalations.raise', { inspectionId, caseId, concern: 'x'.repeat(50_000) });
    expect(empty.concern).toBe(CONCERN_PLACEHOLDER);
    expect(missing).toMatchObject({ concern: CONCERN_PLACEHOLDER, caseId: null });
    expect(huge.concern.length).toBe(20_000);
    expect(await rt.call('escalations.list', { inspectionId, openOnly: true })).toHaveLength(3);
  });

  it('checklist steps record their own times; police told marks police as needed; close removes it from the open list', async () => {
    const { rt, inspectionId, caseId } = await setUp();
    const e = await rt.call('escalations.raise', { inspectionId, caseId, concern: 'Bruising not followed up' });
    clock += 5 * 60_000;
    await rt.call('escalations.step', { id: e.id, step: 'lead_told' });
    clock += 10 * 60_000;
    await rt.call('escalations.step', { id: e.id, step: 'area_told' });
    clock += 60_000;
    const told = await rt.call('escalations.step', { id: e.id, step: 'police_told' });
    expect(told).toMatchObject({
      leadToldAt: '2026-11-04T10:05:00.000Z',
      areaToldAt: '2026-11-04T10:15:00.000Z',
      policeToldAt: '2026-11-04T10:16:00.000Z',
      policeNeeded: true,
    });
    const undone = await rt.call('escalations.step', { id: e.id, step: 'area_told', done: false });
    expect(undone.areaToldAt).toBeNull();
    await rt.call('escalations.update', { id: e.id, laResponse: 'Strategy meeting booked' });
    // The concern stays as raised (docs/authority.md): a rewrite is refused in words.
    await expect(rt.call('escalations.update', { id: e.id, concern: 'No concerns.' })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/concern cannot be changed once raised/),
    });
    const closed = await rt.call('escalations.close', { id: e.id });
    expect(closed.closedAt).toBe('2026-11-04T10:16:00.000Z');
    expect(closed.concern).toBe('Bruising not followed up');
    expect(closed.laResponse).toBe('Strategy meeting booked');
    expect(await rt.call('escalations.list', { inspectionId, openOnly: true })).toEqual([]);
    expect(await rt.call('escalations.list', { inspectionId })).toHaveLength(1);
  });

  it('escalations are add-only: the op log refuses a delete', async () => {
    const { rt, inspectionId } = await setUp();
    const e = await rt.call('escalations.raise', { inspectionId, concern: 'Risk' });
    expect(() =>
      inTransaction(rt.ctx, () =>
        writeEdits(rt.ctx, inspectionId, [{ table: 'escalation', row: e.id, field: '_deleted', value: true }]),
      ),
    ).toThrow(/No such field/);
    expect(await rt.call('escalations.list', { inspectionId })).toHaveLength(1);
  });
});
