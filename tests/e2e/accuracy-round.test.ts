/**
 * The factual-accuracy round in the browser (issue 17): the lead sets the letter's addressees,
 * sees them in the preview, records the area's comment against a passage and the response to
 * it, and downloads the round as a CSV stamped with the letter version shown on screen.
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe.skipIf(!chromiumAvailable)('the factual-accuracy round in the browser', () => {
  it('records a comment against a passage and a response, and exports them with the letter version', async () => {
    app = await launchApp();
    const a = app;
    const { page } = a;
    const rt = a.runtime;
    const inspection = await rt.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted', 'cqc', 'hmicfrs'] },
      leadName: 'Asha Patel',
    });
    const finding = await rt.call('findings.create', {
      inspectionId: inspection.id,
      fields: { kind: 'strength', statement: 'Strategy discussions are timely.', agencies: ['police'], theme: null },
    });
    await rt.call('findings.setStatus', { id: finding.id, status: 'proposed', reason: 'Ready' });
    await rt.call('findings.setStatus', { id: finding.id, status: 'agreed', reason: 'Agreed' });
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Letter and exports' }).click();
    await page.getByRole('heading', { name: 'Draft letter preview' }).waitFor();

    // The letter's addressees, set with the inspection, appear in the preview.
    await page.getByLabel('Addressed to: Director of children’s services').fill('Jo Bloggs');
    await page.getByLabel('Addressed to: Police leader (chief constable)').fill('Ray Ali');
    await page.getByRole('button', { name: 'Save letter details' }).click();
    await page.getByText('Letter details saved.').waitFor();
    const preview = page.getByRole('article', { name: 'Letter as it will be written' });
    await preview.getByText('Jo Bloggs, Director of children’s services, Northshire County Council').waitFor();
    await preview.getByText('Next steps').waitFor();
    const versionText = (await preview.getByText(/^Letter version [0-9A-F]{12}$/).textContent()) ?? '';
    const version = versionText.replace('Letter version ', '');

    // A refused comment says what is missing and loses nothing typed.
    await page.getByLabel('Passage in the letter').fill('Strategy discussions are timely.');
    await page.getByLabel('The area’s comment').fill('Two of the five discussions were late.');
    await page.getByRole('button', { name: 'Record comment' }).click();
    await page.getByRole('alert').filter({ hasText: 'Say who raised it' }).waitFor();
    expect(await page.getByLabel('The area’s comment').inputValue()).toBe('Two of the five discussions were late.');
    await page.getByLabel('Raised by').fill('Director of children’s services');
    await page.getByRole('button', { name: 'Record comment' }).click();
    await page.getByText('Accuracy comment recorded.').waitFor();

    const item = page.getByRole('article', { name: 'Comment from Director of children’s services' });
    await item.getByText(`On letter version ${version}`).waitFor();
    await item.getByLabel('Decision').selectOption('partly');
    await item.getByLabel('Response').fill('The letter now says most discussions were timely.');
    await item.getByRole('button', { name: 'Save response' }).click();
    await page.getByText('Response saved.').waitFor();
    expect(await a.axeViolations()).toEqual([]);
    await a.screenshot('accuracy-round');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Accuracy round (.csv)' }).click(),
    ]);
    expect(download.suggestedFilename()).toContain(`accuracy-round-v${version}`);
    const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
    const rows = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
    expect(rows[0]?.slice(0, 7)).toEqual([
      'Letter version',
      'Comment made on version',
      'Raised by',
      'Passage',
      'Comment',
      'Decision',
      'Response',
    ]);
    expect(rows[1]?.slice(0, 7)).toEqual([
      version,
      version,
      'Director of children’s services',
      'Strategy discussions are timely.',
      'Two of the five discussions were late.',
      'Partly accepted',
      'The letter now says most discussions were timely.',
    ]);
    // Keyboard: the response form is reachable and submits with Enter from its button.
    await item.getByRole('button', { name: 'Save response' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Response saved.').first().waitFor();
  }, 180_000);
});
