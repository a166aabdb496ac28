import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3-multiple-ciphers';
import { KEEP_BOTH_SEPARATOR } from '../../../shared/api/conflicts.js';
import { fingerprint } from '../../../main/sync/device-identity.js';
import { edit, exchange, exchangeBoth, exportFull, importInto, setUpTeam, type TeamFixture } from '../../support/exchange.js';
import { testRuntime, type TestRuntime } from '../../support/runtime.js';

let laptops: TestRuntime[] = [];
afterEach(() => {
  for (const laptop of laptops) laptop.dispose();
  laptops = [];
});

/** Two laptops; the inspector's clock runs an hour behind the lead's. */
async function team(): Promise<{ lead: TestRuntime; inspector: TestRuntime; fixture: TeamFixture; tick: () => void }> {
  let leadClock = Date.parse('2026-11-03T09:00:00Z');
  let inspectorClock = Date.parse('2026-11-03T08:00:00Z');
  const lead = await testRuntime({ now: () => leadClock });
  const inspector = await testRuntime({ now: () => inspectorClock });
  laptops.push(lead, inspector);
  const fixture = await setUpTeam(lead, inspector);
  return {
    lead,
    inspector,
    fixture,
    tick: () => {
      leadClock += 60_000;
      inspectorClock += 60_000;
    },
  };
}

const LEAD_TEXT = 'The strategy meeting was held within a day of the referral, with police present.';
const INSPECTOR_TEXT = 'The strategy meeting was held within a day of the referral; health did not attend.';

async function noteConflict() {
  const setup = await team();
  const { lead, inspector, fixture, tick } = setup;
  tick();
  edit(lead, fixture.inspectionId, [{ table: 'evidence_note', row: fixture.noteId, field: 'text', value: LEAD_TEXT }]);
  edit(inspector, fixture.inspectionId, [{ table: 'evidence_note', row: fixture.noteId, field: 'text', value: INSPECTOR_TEXT }]);
  const bundle = await exportFull(inspector, fixture.inspectionId);
  const imported = await importInto(lead, bundle, inspector);
  expect(imported).toMatchObject({ status: 'imported', newConflicts: 1 });
  return { ...setup, bundle };
}

function fileRows<T>(runtime: TestRuntime, sql: string, ...params: unknown[]): T[] {
  const db = new Database(runtime.storePath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('conflict review', () => {
  it('lists concurrent edits of a note under its case, with both values, authors, times and sources', async () => {
    const { lead, inspector, fixture, bundle } = await noteConflict();
    const list = await lead.call('conflicts.list', { inspectionId: fixture.inspectionId });
    expect(list.total).toBe(1);
    expect(list.groups).toHaveLength(1);
    const group = list.groups[0]!;
    expect(group).toMatchObject({ kind: 'case', key: `case:${fixture.caseId}`, title: 'Case NS-0142' });
    const conflict = group.conflicts[0]!;
    expect(conflict).toMatchObject({
      table: 'evidence_note',
      row: fixture.noteId,
      field: 'text',
      fieldLabel: 'Note text',
      kind: 'text',
      recordKind: 'Evidence note',
      actions: ['keep', 'keep_both', 'edit'],
    });
    expect(conflict.recordLabel).toContain('The strategy meeting was held');
    const byText = new Map(conflict.heads.map((h) => [h.text, h]));
    const mine = byText.get(LEAD_TEXT)!;
    const theirs = byText.get(INSPECTOR_TEXT)!;
    expect(mine.by).toEqual({
      author: lead.ctx.device.author,
      name: 'Asha Patel',
      fingerprint: fingerprint(lead.ctx.device.author),
    });
    expect(theirs.by).toEqual({
      author: inspector.ctx.device.author,
      name: 'Ben Okafor',
      fingerprint: fingerprint(inspector.ctx.device.author),
    });
    expect(mine.at).toBe('2026-11-03T09:01:00.000Z');
    expect(mine.source.local).toBe(true);
    expect(theirs.source.local).toBe(false);
    expect(theirs.source.seq).toBe(1);
    expect(theirs.source.bundleFileName).toBe(bundle.split('/').pop());
    expect(mine.source.bundleFileName).toBeNull();
    // Concurrent edits: the greater clock is shown meanwhile. The inspector's laptop runs an
    // hour slow; its clock only advanced to what it had seen (09:00), so the lead's 09:01 shows.
    expect(mine.shown).toBe(true);
    expect(theirs.shown).toBe(false);
    expect(theirs.at < mine.at).toBe(true);
    const note = fileRows<{ text: string }>(lead, 'SELECT text FROM evidence_note WHERE id = ?', fixture.noteId)[0];
    expect(note?.text).toBe(LEAD_TEXT);
    expect((await lead.call('inspections.get', { id: fixture.inspectionId })).conflictCount).toBe(1);
  });

  it('keeping one value writes an op superseding both heads, and the resolution travels', async () => {
    const { lead, inspector, fixture } = await noteConflict();
    const conflict = (await lead.call('conflicts.list', { inspectionId: fixture.inspectionId })).groups[0]!.conflicts[0]!;
    const keep = conflict.heads.find((h) => h.text === LEAD_TEXT)!;
    const result = await lead.call('conflicts.resolve', {
      inspectionId: fixture.inspectionId,
      table: 'evidence_note',
      row: fixture.noteId,
      field: 'text',
      action: 'keep',
      headOpId: keep.opId,
    });
    expect(result.remaining).toBe(0);
    expect(result.opIds).toHaveLength(1);
    const [op] = fileRows<{ value: string; deps: string; author: string }>(
      lead,
      'SELECT value, deps, author FROM op WHERE id = ?',
      result.opIds[0],
    );
    expect(JSON.parse(op!.value)).toBe(LEAD_TEXT);
    expect(JSON.parse(op!.deps)).toEqual(conflict.heads.map((h) => h.opId).sort());
    expect(op!.author).toBe(lead.ctx.device.author);
    expect(fileRows(lead, 'SELECT * FROM conflict')).toEqual([]);
    expect(fileRows<{ text: string }>(lead, 'SELECT text FROM evidence_note WHERE id = ?', fixture.noteId)[0]?.text).toBe(
      LEAD_TEXT,
    );
    // The losing value is still in the op log.
    expect(fileRows(lead, 'SELECT 1 FROM op WHERE value = ?', JSON.stringify(INSPECTOR_TEXT))).toHaveLength(1);

    await exchangeBoth(lead, inspector, fixture.inspectionId);
    expect((await inspector.call('conflicts.list', { inspectionId: fixture.inspectionId })).total).toBe(0);
    expect(fileRows<{ text: string }>(inspector, 'SELECT text FROM evidence_note WHERE id = ?', fixture.noteId)[0]?.text).toBe(
      LEAD_TEXT,
    );
  });

  it('a resolved conflict stays resolved when old bundles are imported again', async () => {
    const { lead, inspector, fixture, bundle } = await noteConflict();
    await lead.call('conflicts.resolve', {
      inspectionId: fixture.inspectionId,
      table: 'evidence_note',
      row: fixture.noteId,
      field: 'text',
      action: 'edit',
      value: 'Merged by the lead.',
    });
    expect(await importInto(lead, bundle, inspector)).toMatchObject({ status: 'already_imported', newOps: 0 });
    await exchange(inspector, lead, fixture.inspectionId);
    await exchangeBoth(lead, inspector, fixture.inspectionId);
    expect((await lead.call('conflicts.list', { inspectionId: fixture.inspectionId })).total).toBe(0);
    expect(fileRows<{ text: string }>(inspector, 'SELECT text FROM evidence_note WHERE id = ?', fixture.noteId)[0]?.text).toBe(
      'Merged by the lead.',
    );
  });

  it('keeping both joins the texts, oldest clock first, with a blank line between', async () => {
    const { lead, fixture } = await noteConflict();
    const result = await lead.call('conflicts.resolve', {
      inspectionId: fixture.inspectionId,
      table: 'evidence_note',
      row: fixture.noteId,
      field: 'text',
      action: 'keep_both',
    });
    const expected = `${INSPECTOR_TEXT}${KEEP_BOTH_SEPARATOR}${LEAD_TEXT}`;
    expect(result.value).toBe(expected);
    expect(fileRows<{ text: string }>(lead, 'SELECT text FROM evidence_note WHERE id = ?', fixture.noteId)[0]?.text).toBe(
      expected,
    );
    expect(result.remaining).toBe(0);
  });

  it('refuses a stale choice and a resolution of a conflict already resolved, changing nothing', async () => {
    const { lead, fixture } = await noteConflict();
    const target = { inspectionId: fixture.inspectionId, table: 'evidence_note', row: fixture.noteId, field: 'text' } as const;
    await expect(lead.call('conflicts.resolve', { ...target, action: 'keep', headOpId: 'not-a-head' })).rejects.toMatchObject({
      code: 'conflict',
    });
    await lead.call('conflicts.resolve', { ...target, action: 'edit', value: 'First resolution.' });
    const opsBefore = fileRows(lead, 'SELECT id FROM op').length;
    await expect(lead.call('conflicts.resolve', { ...target, action: 'edit', value: 'Second.' })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('has changed since it was shown'),
    });
    expect(fileRows(lead, 'SELECT id FROM op')).toHaveLength(opsBefore);
    await expect(lead.call('conflicts.resolve', { ...target, action: 'restore' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('offers only fitting actions: no "keep both" or "restore" for a code field', async () => {
    const { lead, inspector, fixture, tick } = await team();
    tick();
    edit(lead, fixture.inspectionId, [{ table: 'sampled_case', row: fixture.caseId, field: 'stage', value: 'looked_after' }]);
    edit(inspector, fixture.inspectionId, [
      { table: 'sampled_case', row: fixture.caseId, field: 'stage', value: 'child_in_need' },
    ]);
    await exchange(inspector, lead, fixture.inspectionId);
    const conflict = (await lead.call('conflicts.list', { inspectionId: fixture.inspectionId })).groups[0]!.conflicts[0]!;
    expect(conflict.fieldLabel).toBe('Stage');
    expect(conflict.heads.map((h) => h.display).sort()).toEqual(['Child in need', 'Looked after']);
    const target = { inspectionId: fixture.inspectionId, table: 'sampled_case', row: fixture.caseId, field: 'stage' } as const;
    await expect(lead.call('conflicts.resolve', { ...target, action: 'keep_both' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(lead.call('conflicts.resolve', { ...target, action: 'confirm_delete' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect((await lead.call('conflicts.list', { inspectionId: fixture.inspectionId })).total).toBe(1);
  });

  it('flags a delete concurrent with an edit, shows the edit, and restores without losing it', async () => {
    const { lead, inspector, fixture, tick } = await team();
    tick();
    edit(lead, fixture.inspectionId, [{ table: 'evidence_note', row: fixture.noteId, field: '_deleted', value: true }]);
    edit(inspector, fixture.inspectionId, [
      { table: 'evidence_note', row: fixture.noteId, field: 'text', value: INSPECTOR_TEXT },
    ]);
    await exchange(inspector, lead, fixture.inspectionId);
    const list = await lead.call('conflicts.list', { inspectionId: fixture.inspectionId });
    expect(list.total).toBe(1);
    const conflict = list.groups[0]!.conflicts[0]!;
    expect(conflict).toMatchObject({
      field: '_deleted',
      kind: 'deleted',
      rowDeleted: true,
      actions: ['restore', 'confirm_delete'],
    });
    expect(conflict.heads.map((h) => h.display)).toEqual(['Deleted']);
    expect(conflict.concurrentEdits).toEqual([
      expect.objectContaining({
        field: 'text',
        fieldLabel: 'Note text',
        display: INSPECTOR_TEXT,
        by: expect.objectContaining({ name: 'Ben Okafor' }),
      }),
    ]);
    await lead.call('conflicts.resolve', {
      inspectionId: fixture.inspectionId,
      table: 'evidence_note',
      row: fixture.noteId,
      field: '_deleted',
      action: 'restore',
    });
    const row = fileRows<{ deleted: number; text: string }>(
      lead,
      'SELECT deleted, text FROM evidence_note WHERE id = ?',
      fixture.noteId,
    )[0];
    expect(row).toEqual({ deleted: 0, text: INSPECTOR_TEXT });
    expect(fileRows(lead, 'SELECT * FROM conflict')).toEqual([]);
  });

  it('confirming a delete keeps the record deleted and clears the flag on both laptops', async () => {
    const { lead, inspector, fixture, tick } = await team();
    tick();
    edit(lead, fixture.inspectionId, [{ table: 'finding', row: fixture.findingId, field: '_deleted', value: true }]);
    edit(inspector, fixture.inspectionId, [{ table: 'finding', row: fixture.findingId, field: 'statement', value: 'Reworded.' }]);
    await exchangeBoth(lead, inspector, fixture.inspectionId);
    const list = await lead.call('conflicts.list', { inspectionId: fixture.inspectionId });
    expect(list.groups.map((g) => [g.kind, g.title])).toEqual([['finding', 'Finding: Reworded.']]);
    await lead.call('conflicts.resolve', {
      inspectionId: fixture.inspectionId,
      table: 'finding',
      row: fixture.findingId,
      field: '_deleted',
      action: 'confirm_delete',
    });
    await exchangeBoth(lead, inspector, fixture.inspectionId);
    for (const laptop of [lead, inspector]) {
      expect(fileRows(laptop, 'SELECT * FROM conflict')).toEqual([]);
      expect(
        fileRows<{ deleted: number }>(laptop, 'SELECT deleted FROM finding WHERE id = ?', fixture.findingId)[0]?.deleted,
      ).toBe(1);
    }
  });

  it('groups conflicts by case, then finding, then other records', async () => {
    const { lead, inspector, fixture, tick } = await team();
    tick();
    const both = (table: 'finding' | 'inspection' | 'sampled_case', row: string, field: string, a: string, b: string) => {
      edit(lead, fixture.inspectionId, [{ table, row, field, value: a }]);
      edit(inspector, fixture.inspectionId, [{ table, row, field, value: b }]);
    };
    both('inspection', fixture.inspectionId, 'local_authority', 'Northshire CC', 'Northshire County');
    both('finding', fixture.findingId, 'statement', 'Timely meetings.', 'Meetings are timely.');
    both('sampled_case', fixture.caseId, 'status', 'in_progress', 'done');
    await exchange(inspector, lead, fixture.inspectionId);
    const list = await lead.call('conflicts.list', { inspectionId: fixture.inspectionId });
    expect(list.total).toBe(3);
    expect(list.groups.map((g) => g.kind)).toEqual(['case', 'finding', 'other']);
    expect(list.groups[2]!.conflicts[0]).toMatchObject({ recordKind: 'Inspection', fieldLabel: 'Local authority' });
    expect(list.groups[0]!.conflicts[0]!.heads.map((h) => h.display).sort()).toEqual(['Done', 'In progress']);
  });
});
