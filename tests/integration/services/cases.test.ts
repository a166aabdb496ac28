import Database from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sampledCaseId } from '../../../shared/domain/ids.js';
import { csvBytes, generatedCaseRows, messyCaseList } from '../../support/case-lists.js';
import { sampleInspection, type TestRuntime } from '../../support/runtime.js';
import { givenInspection } from '../../support/given.js';

async function setUp() {
  const { rt, inspectionId } = await givenInspection({ fields: { inspectorates: [...sampleInspection.inspectorates] } });
  return { rt, inspectionId };
}

const upload = (inspectionId: string, bytes: Buffer, fileName = 'children.csv') => ({
  inspectionId,
  fileName,
  bytes: bytes,
});

function openFile(rt: TestRuntime) {
  return new Database(rt.storePath, { readonly: true });
}

describe('case list import', () => {
  it('previews a messy list: guessed mapping, first rows, every problem by line, duplicates; imports nothing', async () => {
    const { rt, inspectionId } = await setUp();
    const messy = messyCaseList();
    const preview = await rt.call('cases.previewImport', upload(inspectionId, messy.bytes));
    expect(preview.delimiter).toBe(';');
    expect(preview.encoding).toBe('utf-8 with BOM');
    expect(preview.sha256).toBe(createHash('sha256').update(messy.bytes).digest('hex'));
    expect(preview.suggestedMapping).toEqual({
      caseRef: 'Case Ref',
      age: null,
      dateOfBirth: 'Date of birth',
      stage: 'Stage of journey',
      legalStatus: 'Legal Status',
      agencies: 'Agencies involved',
      flags: 'Flags',
    });
    expect(preview.problems).toEqual([{ line: messy.badLine, reason: expect.stringContaining('"not known"') }]);
    expect(preview.duplicates).toEqual([{ caseRef: 'NS-1002', lines: messy.duplicateLines }]);
    expect(preview.total).toBe(messy.total);
    expect(preview.valid).toBe(messy.valid);
    expect(preview.blocker).toBeNull();
    const third = preview.rows.find((r) => r.caseRef === 'NS-1003');
    expect(third).toMatchObject({ line: 4, stage: 'looked_after', legalStatus: 'interim_care_order', flags: ['Missing', 'CSE'] });
    expect(preview.referenceDate).toBe('2026-11-02');
    const file = openFile(rt);
    expect(file.prepare('SELECT count(*) AS n FROM case_list_row').get()).toEqual({ n: 0 });
    file.close();
  });

  it('commits in one go with progress, records the SHA-256, and remembers the mapping for next time', async () => {
    const { rt, inspectionId } = await setUp();
    const messy = messyCaseList();
    const preview = await rt.call('cases.previewImport', upload(inspectionId, messy.bytes));
    const mapping = { ...preview.suggestedMapping, flags: null };
    const events: { done: number; total: number; stage: string }[] = [];
    const { invoke } = await import('../../../main/services/dispatch.js');
    const result = await invoke(
      rt.ctx,
      'cases.commitImport',
      { ...upload(inspectionId, messy.bytes), mapping },
      {
        onProgress: (done, total, stage) => events.push({ done, total, stage }),
      },
    );
    expect(result).toMatchObject({ imported: 7, skipped: 1, duplicates: 1, sha256: preview.sha256 });
    expect(events.at(-1)).toEqual({ done: 7, total: 7, stage: 'Saving the case list' });

    const file = openFile(rt);
    const header = file.prepare('SELECT sha256, row_count, file_name FROM case_list_import').get();
    expect(header).toEqual({ sha256: preview.sha256, row_count: 7, file_name: 'children.csv' });
    const rows = file.prepare('SELECT line, case_ref, flags FROM case_list_row ORDER BY line').all() as { case_ref: string }[];
    expect(rows.map((r) => r.case_ref)).toEqual(['NS-1001', 'NS-1002', 'NS-1003', 'NS-1004', 'NS-1006', 'NS-1007', 'NS-1008']);
    expect(rows.every((r) => (r as unknown as { flags: string }).flags === '[]')).toBe(true);
    // The case list is local: nothing about it reaches the op log.
    expect(file.prepare("SELECT count(*) AS n FROM op WHERE tbl NOT IN ('inspection', 'team_member')").get()).toEqual({ n: 0 });
    file.close();

    const again = await rt.call('cases.previewImport', upload(inspectionId, messy.bytes));
    expect(again.rememberedMapping).toEqual(mapping);
    expect(again.mapping).toEqual(mapping);
    expect(await rt.call('cases.caseList', { inspectionId })).toMatchObject({ rowCount: 7, sha256: preview.sha256 });
  });

  it('refuses to commit without a case reference column, and changes nothing', async () => {
    const { rt, inspectionId } = await setUp();
    const messy = messyCaseList();
    const preview = await rt.call('cases.previewImport', upload(inspectionId, messy.bytes));
    await expect(
      rt.call('cases.commitImport', { ...upload(inspectionId, messy.bytes), mapping: { ...preview.mapping, caseRef: null } }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: 'Choose the column that holds the case reference.' });
    expect(await rt.call('cases.caseList', { inspectionId })).toBeNull();
  });

  it('a malformed file gives a line-numbered problem list, not an error', async () => {
    const { rt, inspectionId } = await setUp();
    const bytes = Buffer.from('Case ref,Stage\r\nA1,CIN\r\nA2,"CP\r\nA3,CIN\r\n');
    const preview = await rt.call('cases.previewImport', upload(inspectionId, bytes));
    expect(preview.valid).toBe(1);
    expect(preview.problems).toEqual([{ line: 3, reason: expect.stringContaining('never closed') }]);
  });

  it('imports a 50,000-row list as one transaction', async () => {
    const { rt, inspectionId } = await setUp();
    const bytes = csvBytes(generatedCaseRows(50_000));
    const preview = await rt.call('cases.previewImport', upload(inspectionId, bytes));
    expect(preview.valid).toBe(50_000);
    const result = await rt.call('cases.commitImport', { ...upload(inspectionId, bytes), mapping: preview.mapping });
    expect(result.imported).toBe(50_000);
    const file = openFile(rt);
    expect(file.prepare('SELECT count(*) AS n FROM case_list_row').get()).toEqual({ n: 50_000 });
    file.close();
  });
});

describe('sampling, allocation and audit', () => {
  async function withList(n = 60) {
    const { rt, inspectionId } = await setUp();
    const bytes = csvBytes(generatedCaseRows(n));
    const preview = await rt.call('cases.previewImport', upload(inspectionId, bytes));
    await rt.call('cases.commitImport', { ...upload(inspectionId, bytes), mapping: preview.mapping });
    return { rt, inspectionId, sha256: preview.sha256 };
  }

  it('draws a stratified sample, records the run, and a redraw with the same seed gives the same sample', async () => {
    const { rt, inspectionId, sha256 } = await withList();
    const strata = await rt.call('cases.strata', { inspectionId, dimensions: ['stage'] });
    expect(strata.map((s) => [s.label, s.size])).toEqual([
      ['Care leaver', 12],
      ['Child in need', 12],
      ['Child protection', 12],
      ['Early help', 12],
      ['Looked after', 12],
    ]);
    const criteria = {
      mode: 'per_stratum' as const,
      dimensions: ['stage' as const],
      counts: { child_protection: 3, looked_after: 2, care_leaver: 40 },
    };
    const first = await rt.call('cases.drawSample', { inspectionId, criteria, seed: 'visit-2026' });
    expect(first.caseRefs).toHaveLength(3 + 2 + 12);
    expect(first.run).toMatchObject({ seed: 'visit-2026', sourceHash: sha256, caseCount: 17, drawnByName: 'Asha Patel' });
    expect(first.added).toBe(17);

    const second = await rt.call('cases.drawSample', { inspectionId, criteria, seed: 'visit-2026' });
    expect(second.caseRefs).toEqual(first.caseRefs);
    expect(second).toMatchObject({ added: 0, removed: 0 });

    const cases = await rt.call('cases.list', { inspectionId });
    expect(cases).toHaveLength(17);
    const one = cases[0];
    expect(one).toMatchObject({ samplingMethod: 'random', status: 'not_started', removed: false });
    expect(one?.id).toBe(sampledCaseId(inspectionId, one?.caseRef ?? ''));

    const file = openFile(rt);
    const runs = file.prepare('SELECT seed, source_hash, case_count, criteria FROM sample_run ORDER BY drawn_at').all() as {
      seed: string;
      criteria: string;
    }[];
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ seed: 'visit-2026', source_hash: sha256, case_count: 17 });
    expect(JSON.parse(runs[0]?.criteria ?? '{}')).toMatchObject({ mode: 'per_stratum', dimensions: 'stage' });
    const ops = file.prepare("SELECT count(DISTINCT row_id) AS n FROM op WHERE tbl = 'sampled_case'").get();
    expect(ops).toEqual({ n: 17 });
    file.close();

    // A different seed replaces the random cases it leaves out: removed with a reason, kept.
    const third = await rt.call('cases.drawSample', { inspectionId, criteria, seed: 'other-seed' });
    const after = await rt.call('cases.list', { inspectionId });
    const live = after
      .filter((c) => !c.removed)
      .map((c) => c.caseRef)
      .sort();
    expect(live).toEqual([...third.caseRefs].sort());
    expect(after.filter((c) => c.removed).every((c) => c.removalReason?.startsWith('Not in the redraw'))).toBe(true);
    expect(after.filter((c) => c.removed)).toHaveLength(third.removed);
  });

  it('shares a total in proportion to the strata', async () => {
    const { rt, inspectionId } = await withList(100);
    const draw = await rt.call('cases.drawSample', {
      inspectionId,
      criteria: { mode: 'proportional', dimensions: ['stage', 'age_band'], total: 10 },
    });
    expect(draw.caseRefs).toHaveLength(10);
    expect(draw.run.seed).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(draw.strata.reduce((n, s) => n + s.wanted, 0)).toBe(10);
  });

  it('refuses to draw before a list is imported', async () => {
    const { rt, inspectionId } = await setUp();
    await expect(
      rt.call('cases.drawSample', { inspectionId, criteria: { mode: 'proportional', dimensions: [], total: 5 } }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('Import') });
  });

  it('adds by hand with a reason, removes with a reason, restores', async () => {
    const { rt, inspectionId } = await withList(10);
    const fromList = await rt.call('cases.add', { inspectionId, caseRef: 'c00003', reason: 'Raised by the MASH manager' });
    expect(fromList).toMatchObject({
      caseRef: 'C00003',
      stage: 'looked_after',
      samplingMethod: 'manual',
      selectionReason: 'Raised by the MASH manager',
    });
    const fresh = await rt.call('cases.add', { inspectionId, caseRef: 'X-99', reason: 'Found in a strategy meeting' });
    expect(fresh).toMatchObject({ caseRef: 'X-99', stage: null, stratum: 'Added by hand (not on the list)' });
    await expect(rt.call('cases.add', { inspectionId, caseRef: 'x-99', reason: 'again' })).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(rt.call('cases.remove', { id: fresh.id, reason: ' ' })).rejects.toMatchObject({ code: 'invalid_input' });
    const removed = await rt.call('cases.remove', { id: fresh.id, reason: 'Duplicate of another child' });
    expect(removed).toMatchObject({ removed: true, removalReason: 'Duplicate of another child' });
    const restored = await rt.call('cases.restore', { id: fresh.id });
    expect(restored).toMatchObject({ removed: false, removalReason: null });
    const file = openFile(rt);
    const history = file
      .prepare("SELECT value FROM op WHERE tbl = 'sampled_case' AND row_id = ? AND field = 'removed' ORDER BY hlc")
      .all(fresh.id);
    expect(history.map((h) => (h as { value: string }).value)).toEqual(['false', 'true', 'false']);
    file.close();
  });

  it('allocates by hand and balances the rest across the lead and team inspectors', async () => {
    const { rt, inspectionId } = await withList(30);
    const ben = await rt.call('team.add', {
      inspectionId,
      fields: { name: 'Ben Okafor', inspectorate: 'cqc', role: 'inspector', specialism: 'health' },
    });
    await rt.call('team.add', {
      inspectionId,
      fields: { name: 'Shadow', inspectorate: 'ofsted', role: 'shadow', specialism: 'social_care' },
    });
    await rt.call('cases.drawSample', {
      inspectionId,
      criteria: { mode: 'proportional', dimensions: ['stage'], total: 9 },
      seed: 's',
    });
    const cases = await rt.call('cases.list', { inspectionId });
    const byHand = await rt.call('cases.allocate', { id: cases[0]?.id ?? '', memberId: ben.id });
    expect(byHand.allocatedToName).toBe('Ben Okafor');
    const result = await rt.call('cases.autoAllocate', { inspectionId });
    expect(result).toEqual({ allocated: 8, members: 2 });
    const after = await rt.call('cases.list', { inspectionId });
    const counts = new Map<string, number>();
    for (const c of after) counts.set(c.allocatedToName ?? 'none', (counts.get(c.allocatedToName ?? 'none') ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ 'Asha Patel': 5, 'Ben Okafor': 4 });
  });

  it('records the audit: grades, agreement with a required reason, prompts, status', async () => {
    const { rt, inspectionId } = await withList(10);
    const sampled = await rt.call('cases.add', { inspectionId, caseRef: 'C00001', reason: 'Tracked case' });
    await expect(rt.call('cases.updateAudit', { id: sampled.id, fields: { auditAgreement: 'no' } })).rejects.toMatchObject({
      code: 'invalid_input',
      details: { issues: [{ path: ['agreementReason'], message: expect.stringContaining('do not agree') }] },
    });
    const graded = await rt.call('cases.updateAudit', {
      id: sampled.id,
      fields: {
        laAuditGrade: 'good',
        inspectorGrade: 'requires_improvement',
        auditAgreement: 'partly',
        agreementReason: 'Plans drift',
      },
    });
    expect(graded).toMatchObject({
      laAuditGrade: 'good',
      inspectorGrade: 'requires_improvement',
      auditAgreement: 'partly',
      status: 'in_progress',
    });
    await rt.call('cases.updateAudit', { id: sampled.id, fields: { prompts: { voice: 'Seen alone twice.' } } });
    const withPrompts = await rt.call('cases.updateAudit', {
      id: sampled.id,
      fields: { prompts: { risk: 'No history.' }, status: 'done' },
    });
    expect(withPrompts.prompts).toEqual({ voice: 'Seen alone twice.', risk: 'No history.' });
    expect(withPrompts.status).toBe('done');
    // Saving the same text again writes no op (autosave must not fill the log).
    const file = openFile(rt);
    const count = () => (file.prepare("SELECT count(*) AS n FROM op WHERE tbl = 'sampled_case'").get() as { n: number }).n;
    const before = count();
    await rt.call('cases.updateAudit', { id: sampled.id, fields: { prompts: { risk: 'No history.' } } });
    expect(count()).toBe(before);
    file.close();
  });
});
