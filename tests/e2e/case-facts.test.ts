/**
 * The case screens read a case's facts by the one rule (main/store/case-facts.ts): a case added
 * by hand before the list is here says "Not known here" (never "not on the list"); once the
 * list that holds it is imported, the case list and the case screen show the list's stage and
 * that it is on the list, with no "not on the list" tag. Chromium, axe, screenshot.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchApp, type BrowserApp } from '../support/browser.js';
import { csvBytes, generatedCaseRows } from '../support/case-lists.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const detail = (a: BrowserApp, term: string) =>
  a.page.evaluate((t) => {
    const dt = [...document.querySelectorAll('dl.details dt')].find((d) => d.textContent === t);
    return dt?.nextElementSibling?.textContent ?? null;
  }, term);

describe.skipIf(!chromiumAvailable)('a hand-added case on the screens', () => {
  it('says it cannot tell without the list, then shows the list’s stage and "on the list" once the list is imported', async () => {
    app = await launchApp();
    const { page, runtime } = app;
    const inspection = await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
      leadName: 'Asha Patel',
    });
    const inspectionId = inspection.id;
    const added = await runtime.call('cases.add', { inspectionId, caseRef: 'C00003', reason: 'Raised by the MASH' });
    await page.evaluate((hash) => (window.location.hash = hash), `#/i/${inspectionId}/case/${added.id}`);
    await page.getByRole('heading', { name: /C00003/, level: 1 }).waitFor();
    expect(await detail(app, 'Stage')).toBe('Not recorded');
    expect(await detail(app, 'On the case list')).toMatch(/^Not known here/);

    const upload = { inspectionId, fileName: 'children.csv', bytes: csvBytes(generatedCaseRows(10)) };
    const preview = await runtime.call('cases.previewImport', upload);
    await runtime.call('cases.commitImport', { ...upload, mapping: preview.mapping });
    await page.reload();
    await page.getByRole('heading', { name: /C00003/, level: 1 }).waitFor();
    expect(await detail(app, 'Stage')).toBe('Looked after');
    expect(await detail(app, 'On the case list')).toBe('Yes');
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('case-facts-on-list');

    await page.getByRole('button', { name: 'Cases', exact: true }).click();
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    const row = page.getByRole('row', { name: /C00003/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Looked after');
    expect(await row.textContent()).not.toContain('not on the list');
  }, 120_000);
});
