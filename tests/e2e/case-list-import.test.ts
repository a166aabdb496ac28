/**
 * Case lists as areas send them, in Chromium: a workbook with a title row and two sheets,
 * a titled CSV, and the mapping trap (an earlier import's mapping never overrides the header guess).
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { csvBytes, generatedCaseRows, titledCaseRows, workbookBytes } from '../support/case-lists.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function storedRefs(a: BrowserApp): string[] {
  const db = new Database(a.runtime.storePath, { readonly: true });
  try {
    return (db.prepare('SELECT case_ref FROM case_list_row ORDER BY case_ref').all() as { case_ref: string }[]).map(
      (r) => r.case_ref,
    );
  } finally {
    db.close();
  }
}

async function openCases(a: BrowserApp, before?: (inspectionId: string) => Promise<void>) {
  const inspection = await a.runtime.call('inspections.create', {
    fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
    leadName: 'Asha Patel',
  });
  await before?.(inspection.id);
  await a.page.reload();
  await a.page.getByRole('button', { name: 'Northshire County Council' }).click();
  await a.page.getByRole('button', { name: 'Cases', exact: true }).click();
  await a.page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
  return inspection.id;
}

describe('case list import in the browser', () => {
  it('the mapping trap: a list with other headers gets the header guess, shown as guessed, and a loud warning for left-out columns', async () => {
    app = await launchApp();
    const { page, runtime } = app;
    await openCases(app, async (inspectionId) => {
      // An earlier import headed differently, remembered.
      const first = csvBytes([
        ['Case Ref', 'Date of Birth', 'Stage of journey', 'Agencies involved'],
        ['A-1', '01/02/2015', 'CIN', 'CSC'],
      ]);
      const upload = { inspectionId, fileName: 'october.csv', bytes: first };
      const p1 = await runtime.call('cases.previewImport', upload);
      await runtime.call('cases.commitImport', { ...upload, mapping: p1.mapping });
    });

    const rows = generatedCaseRows(60).map((r) => [r[0] as string, r[1] as string, r[2] as string, r[4] as string]);
    rows[0] = ['Case Ref', 'DOB', 'Stage', 'Agencies'];
    await page.getByRole('button', { name: 'Import a new list' }).click();
    await page.getByLabel('Case list file (CSV or Excel)').setInputFiles({
      name: 'november.csv',
      mimeType: 'text/csv',
      buffer: csvBytes(rows, { delimiter: ';' }),
    });
    await page.getByText('60 ready to import').waitFor();
    expect(await page.getByRole('combobox', { name: /Date of birth/ }).inputValue()).toBe('DOB');
    expect(await page.getByRole('combobox', { name: /Stage of the child's journey/ }).inputValue()).toBe('Stage');
    expect(await page.getByRole('combobox', { name: /Agencies involved/ }).inputValue()).toBe('Agencies');
    await page.getByText('Guessed from the column names').waitFor();
    expect(await page.locator('.tag-guessed').count()).toBe(4);
    expect(await page.getByRole('alert').filter({ hasText: 'Rows would be stored without' }).count()).toBe(0);

    // Leaving out stage: said loudly before anything is stored.
    await page.getByRole('combobox', { name: /Stage of the child's journey/ }).selectOption({ label: 'Not in this file' });
    const warning = page.getByRole('alert').filter({ hasText: 'Rows would be stored without' });
    await warning.waitFor();
    expect(await warning.textContent()).toContain('stage of the child\'s journey, although the file has a column "Stage"');
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('case-import-mapping-warning');
  });

  it('imports a workbook with a title row and two sheets, numbered by sheet row, with a sheet picker', async () => {
    app = await launchApp();
    const { page } = app;
    await openCases(app);
    const bytes = await workbookBytes([
      {
        name: 'Extract',
        rows: [
          ['Children known to social care – extract 01/11/2026'],
          [],
          ['CaseRef', 'DOB', 'Stage', 'Agencies'],
          ['W-1', new Date(Date.UTC(2015, 2, 2)), 'Child in need', 'CSC; Police'],
          ['W-2', new Date(Date.UTC(2012, 5, 9)), null, 'Health'],
          ['W-3', new Date(Date.UTC(2009, 0, 27)), 'Looked after', 'CSC'],
        ],
        merges: ['A1:D1', 'C4:C5'],
        dateColumns: [2],
      },
      { name: 'Read me', rows: [['This sheet explains the extract']] },
    ]);
    await page.getByLabel('Case list file (CSV or Excel)').setInputFiles({
      name: 'northshire.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: bytes,
    });
    await page.getByText('3 ready to import').waitFor();
    await page.getByText('Excel workbook, sheet "Extract"').waitFor();
    const header = page.getByLabel('Column names are on');
    expect(await header.inputValue()).toBe('3');
    expect(await header.locator('option:checked').textContent()).toBe('Row 3: CaseRef | DOB | Stage | Agencies');
    await page.getByRole('row', { name: /^4 W-1 10-15 Child in need/ }).waitFor();
    await page.getByRole('row', { name: /^5 W-2 10-15 Child in need/ }).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('case-import-workbook');

    // The other sheet has no case reference; back to the first, the guess returns.
    await page.getByLabel('Sheet', { exact: true }).selectOption('Read me');
    await page.getByText('Choose the column that holds the case reference.').waitFor();
    await page.getByLabel('Sheet', { exact: true }).selectOption('Extract');
    await page.getByText('3 ready to import').waitFor();
    await page.getByRole('button', { name: 'Import 3 cases' }).click();
    await expect.poll(() => storedRefs(app as BrowserApp)).toEqual(['W-1', 'W-2', 'W-3']);
  });

  it('a CSV with a title line: the header is found below it, another row can be picked, and counts add up', async () => {
    app = await launchApp();
    const { page } = app;
    await openCases(app);
    await page.getByLabel('Case list file (CSV or Excel)').setInputFiles({
      name: 'titled.csv',
      mimeType: 'text/csv',
      buffer: csvBytes(titledCaseRows(5)),
    });
    await page.getByText('5 ready to import').waitFor();
    expect(await page.getByLabel('Column names are on').inputValue()).toBe('3');
    await page.getByRole('row', { name: /^4 C00001/ }).waitFor();
    // Picking the title as the header: nothing can be checked, and the summary says why.
    await page.getByLabel('Column names are on').selectOption('1');
    await page.getByText('Choose the column that holds the case reference.').waitFor();
    await page
      .getByText(/6 rows read · 0 ready to import · 0 skipped · 6 not checked until you choose the case reference column/)
      .waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await page.getByLabel('Column names are on').selectOption('3');
    await page.getByText('5 ready to import').waitFor();
  });

  it('a column whose name is a paragraph is shown shortened, fits the screen, and imports', async () => {
    app = await launchApp();
    const { page } = app;
    await openCases(app);
    const long = `Date of birth ${'(as recorded on the child’s file; where unknown, leave blank and give the age band) '.repeat(3)}`;
    await page.getByLabel('Case list file (CSV or Excel)').setInputFiles({
      name: 'long-header.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`Case ref,"${long}",Stage\nC1,2015-03-04,CP\nC2,2012-11-30,CIN\n`, 'utf8'),
    });
    await page.getByText('2 ready to import').waitFor();
    const dateOfBirth = page.getByRole('combobox', { name: /Date of birth/ });
    const shown = await dateOfBirth.inputValue();
    expect(shown.length).toBeLessThanOrEqual(200);
    expect(shown.startsWith('Date of birth (as recorded')).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
    // The page does not scroll sideways for it: the long name stays inside its control.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('case-import-long-header');
    await page.getByRole('button', { name: 'Import 2 cases' }).click();
    await expect.poll(() => storedRefs(app as BrowserApp)).toEqual(['C1', 'C2']);
  });
});
