import Database from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { csvBytes, generatedCaseRows, messyCaseList } from '../support/case-lists.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function readStore(a: BrowserApp) {
  const db = new Database(a.runtime.storePath, { readonly: true });
  try {
    return {
      listRows: (db.prepare('SELECT count(*) AS n FROM case_list_row').get() as { n: number }).n,
      listHash: (db.prepare('SELECT sha256 FROM case_list_import').get() as { sha256: string } | undefined)?.sha256,
      runs: db.prepare('SELECT id, seed, case_count, source_hash FROM sample_run ORDER BY drawn_at, id').all() as {
        id: string;
        seed: string;
        case_count: number;
        source_hash: string;
      }[],
      cases: db.prepare('SELECT * FROM sampled_case WHERE coalesce(removed, 0) = 0 ORDER BY case_ref').all() as Record<
        string,
        string | number | null
      >[],
      ops: db.prepare("SELECT row_id, field, author FROM op WHERE tbl = 'sampled_case'").all() as {
        row_id: string;
        field: string;
        author: string;
      }[],
    };
  } finally {
    db.close();
  }
}

describe('cases in the browser', () => {
  it('imports a messy list, draws and redraws a sample, allocates, and records a case audit by keyboard', async () => {
    app = await launchApp();
    const { page, runtime } = app;
    const inspection = await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted', 'cqc'] },
      leadName: 'Asha Patel',
    });
    const ben = await runtime.call('team.add', {
      inspectionId: inspection.id,
      fields: { name: 'Ben Okafor', inspectorate: 'cqc', role: 'inspector', specialism: 'health' },
    });
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Cases', exact: true }).click();
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('cases-empty');

    // Import: BOM, semicolons, CRLF, a quoted newline, a bad row and a duplicate.
    const messy = messyCaseList();
    await page.getByLabel('Case list file (CSV or Excel)').setInputFiles({
      name: 'northshire-children.csv',
      mimeType: 'text/csv',
      buffer: messy.bytes,
    });
    const preview = page.getByRole('region', { name: /Check before importing/ }).or(page.locator('.case-import-preview'));
    await preview.getByText('7 ready to import').waitFor();
    const skipped = page.getByRole('list', { name: 'Rows that will be skipped' });
    await expect
      .poll(() => skipped.getByRole('listitem').allTextContents())
      .toEqual([expect.stringMatching(/^Line 7 The date of birth "not known" is not a date/)]);
    await page.getByText('NS-1002 on lines 3, 9: line 3 kept').waitFor();
    expect(await page.getByRole('combobox', { name: 'Case reference' }).inputValue()).toBe('Case Ref');
    // The quoted newline: NS-1003 starts on line 4 and its two flags are split.
    await page.getByRole('row', { name: /^4 NS-1003 .* Missing, CSE$/ }).waitFor();
    expect(readStore(app).listRows).toBe(0);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('cases-import-preview');

    await page.getByRole('button', { name: 'Import 7 cases' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('children from').waitFor();
    let store = readStore(app);
    expect(store.listRows).toBe(7);
    expect(store.listHash).toBe(createHash('sha256').update(messy.bytes).digest('hex'));

    // Draw: by stage, a count from each of three strata, with a seed.
    await page.getByRole('heading', { name: 'Draw the sample' }).waitFor();
    await page.getByLabel('Cases to draw from Child in need').fill('2');
    await page.getByLabel('Cases to draw from Child protection').fill('1');
    await page.getByLabel('Cases to draw from Looked after').fill('1');
    await page.getByLabel('Seed', { exact: true }).fill('northshire-1');
    await page.getByRole('button', { name: 'Draw sample' }).click();
    await page.getByText(/^Drew 4 cases with seed northshire-1/).waitFor();
    store = readStore(app);
    const firstRefs = store.cases.map((c) => c.case_ref);
    expect(firstRefs).toHaveLength(4);
    expect(store.runs).toEqual([expect.objectContaining({ seed: 'northshire-1', case_count: 4, source_hash: store.listHash })]);

    // Redraw from the recorded run: same list, criteria and seed, same sample.
    await page.getByLabel('Seed', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Use these settings (seed northshire-1)' }).click();
    expect(await page.getByLabel('Seed', { exact: true }).inputValue()).toBe('northshire-1');
    await page.getByRole('button', { name: 'Draw sample' }).click();
    await expect.poll(() => readStore(app as BrowserApp).runs.length).toBe(2);
    store = readStore(app);
    expect(store.cases.map((c) => c.case_ref)).toEqual(firstRefs);
    expect(store.runs.map((r) => [r.seed, r.case_count])).toEqual([
      ['northshire-1', 4],
      ['northshire-1', 4],
    ]);
    expect(store.cases.every((c) => c.sampling_method === 'random' && c.status === 'not_started')).toBe(true);

    // Allocate one by hand, the rest evenly.
    const firstRef = String(firstRefs[0]);
    await page.getByLabel(`Allocate case ${firstRef}`).selectOption({ label: 'Ben Okafor' });
    await expect.poll(() => readStore(app as BrowserApp).cases.find((c) => c.case_ref === firstRef)?.allocated_to).toBe(ben.id);
    await page.getByRole('button', { name: 'Allocate 3 unallocated cases evenly' }).click();
    await expect.poll(() => readStore(app as BrowserApp).cases.filter((c) => c.allocated_to !== null).length).toBe(4);
    const loads = readStore(app).cases.reduce<Record<string, number>>((acc, c) => {
      acc[String(c.allocated_to)] = (acc[String(c.allocated_to)] ?? 0) + 1;
      return acc;
    }, {});
    expect(Object.values(loads).sort()).toEqual([2, 2]);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('cases-sampled');

    // Filter by inspector.
    await page.getByLabel('Inspector').selectOption({ label: 'Ben Okafor' });
    await page.getByText('Showing 2 of 4').waitFor();
    await page.getByLabel('Inspector').selectOption({ label: 'Anyone' });

    // Open a case and record the audit with the keyboard alone.
    await page.getByRole('button', { name: firstRef, exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Case ${firstRef}`, level: 1 }).waitFor();
    await page.getByLabel('The area’s own audit grade').focus();
    await page.keyboard.press('ArrowDown'); // Outstanding
    await page.keyboard.press('ArrowDown'); // Good
    await page.getByText(/^Saved at \d\d:\d\d$/).waitFor();
    await page.keyboard.press('Tab'); // evaluation: Outstanding
    await page.keyboard.press('ArrowDown'); // Good
    await page.keyboard.press('ArrowDown'); // Requires improvement
    await page.keyboard.press('Tab'); // agreement: Yes
    await page.keyboard.press('ArrowDown'); // Partly, which needs a reason
    await page.getByText('Not saved — Give a reason', { exact: false }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type('Plans drift after the conference.');
    await page.getByText(/^Saved at \d\d:\d\d$/).waitFor();
    await page.keyboard.press('Tab'); // first prompt: the child's voice
    await page.keyboard.type('Seen alone twice; wishes recorded in her words.');
    await page.getByText(/^Saved at \d\d:\d\d$/).waitFor();
    await page.getByLabel('Status').focus();
    await page.keyboard.press('ArrowDown'); // Done (recording made it In progress)
    await expect.poll(() => readStore(app as BrowserApp).cases.find((c) => c.case_ref === firstRef)?.status).toBe('done');
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('case-audit');

    const audited = readStore(app).cases.find((c) => c.case_ref === firstRef) as Record<string, string>;
    expect(audited).toMatchObject({
      la_audit_grade: 'good',
      inspector_grade: 'requires_improvement',
      audit_agreement: 'partly',
      agreement_reason: 'Plans drift after the conference.',
      status: 'done',
      allocated_to: ben.id,
    });
    expect(JSON.parse(audited.prompts ?? '{}')).toEqual({ voice: 'Seen alone twice; wishes recorded in her words.' });
    const ops = readStore(app).ops.filter((o) => o.row_id === audited.id);
    expect(ops.map((o) => o.field)).toEqual(
      expect.arrayContaining([
        'case_ref',
        'sample_run_id',
        'allocated_to',
        'la_audit_grade',
        'inspector_grade',
        'audit_agreement',
        'prompts',
        'status',
      ]),
    );
    expect(new Set(ops.map((o) => o.author))).toEqual(new Set([runtime.ctx.device.author]));
  });

  it('refuses a damaged workbook clearly, adds a case by hand, removes it with a reason and restores it, by keyboard', async () => {
    app = await launchApp();
    const { page, runtime } = app;
    await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted'] },
      leadName: 'Asha Patel',
    });
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Cases', exact: true }).click();

    // A damaged workbook: a sentence saying what to do, nothing stored.
    const fileInput = page.getByLabel('Case list file (CSV or Excel)');
    await fileInput.setInputFiles({
      name: 'list.xlsx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, 9, 9]),
    });
    await page.getByRole('alert').filter({ hasText: 'This workbook could not be opened' }).waitFor();

    await fileInput.setInputFiles({ name: 'tidy.csv', mimeType: 'text/csv', buffer: csvBytes(generatedCaseRows(12)) });
    await page.getByRole('button', { name: 'Import 12 cases' }).click();
    await page.getByText('children from').waitFor();

    // Add by hand: a case from the list, with a reason, by keyboard.
    await page.getByLabel('Case reference', { exact: true }).focus();
    await page.keyboard.type('c00004');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Named by the MASH manager as typical of delays');
    await page.keyboard.press('Enter');
    const row = page.getByRole('row', { name: /C00004/ });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('By hand: Named by the MASH manager');

    // Remove with a reason (the dialog insists on one), then restore.
    await row.getByRole('button', { name: 'Remove case C00004' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Remove case C00004 from the sample' });
    await dialog.waitFor();
    // The reason box has the focus; Tab to "Remove case" without a reason is refused.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.getByText('Give a reason for removing the case.').waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('case-remove-dialog');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.type('Already reviewed in the last monitoring visit');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('No cases in the sample yet').or(page.getByText('Showing 0 of 0')).first().waitFor();
    await page.getByLabel('Show removed').check();
    const removedRow = page.getByRole('row', { name: /C00004/ });
    await expect.poll(() => removedRow.textContent()).toContain('Removed: Already reviewed in the last monitoring visit');
    await removedRow.getByRole('button', { name: 'Restore case C00004' }).click();
    await expect.poll(() => page.getByRole('row', { name: /C00004/ }).textContent()).toContain('By hand');

    const db = new Database(runtime.storePath, { readonly: true });
    try {
      const sampled = db.prepare('SELECT * FROM sampled_case').all() as Record<string, unknown>[];
      expect(sampled).toHaveLength(1);
      expect(sampled[0]).toMatchObject({ case_ref: 'C00004', stage: 'early_help', sampling_method: 'manual', removed: 0 });
      const removals = db
        .prepare("SELECT value FROM op WHERE tbl = 'sampled_case' AND field IN ('removed', 'removal_reason') ORDER BY hlc")
        .all()
        .map((r) => (r as { value: string }).value);
      expect(removals).toEqual(['false', 'null', 'true', '"Already reviewed in the last monitoring visit"', 'false', 'null']);
    } finally {
      db.close();
    }

    // A total shared in proportion over stage × age band.
    await page.getByLabel('A total, shared in proportion').check();
    await page.getByLabel('Age band').check();
    await page.getByLabel('Total cases to draw').fill('5');
    await page.getByLabel('Seed', { exact: true }).fill('prop-1');
    await page.getByRole('button', { name: 'Draw sample' }).click();
    await page.getByText(/^Drew 5 cases with seed prop-1/).waitFor();
    {
      const db = new Database(runtime.storePath, { readonly: true });
      const run = db.prepare('SELECT criteria, case_count FROM sample_run').get() as { criteria: string; case_count: number };
      // Seed prop-1 happens to draw C00004 too: a case added by hand keeps its method and reason.
      const live = db
        .prepare('SELECT case_ref, sampling_method, selection_reason FROM sampled_case WHERE removed = 0 ORDER BY case_ref')
        .all() as { case_ref: string; sampling_method: string; selection_reason: string | null }[];
      expect(live).toHaveLength(5);
      expect(live.find((c) => c.case_ref === 'C00004')).toMatchObject({
        sampling_method: 'manual',
        selection_reason: 'Named by the MASH manager as typical of delays',
      });
      expect(run.case_count).toBe(5);
      expect(JSON.parse(run.criteria)).toEqual({ mode: 'proportional', dimensions: 'stage,age_band', total: '5' });
      db.close();
    }
  });
});
