import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../shared/domain/ids.js';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('search in the browser', () => {
  it('finds notes and findings as you type, highlights matches safely, and applies filters', async () => {
    app = await launchApp();
    const { page, runtime } = app;
    const { id: inspectionId } = await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted'] },
      leadName: 'Asha Patel',
    });
    const note = (text: string, polarity: 'strength' | 'weakness' | 'neutral') =>
      runtime.call('evidence.create', {
        inspectionId,
        id: newId(),
        fields: { text, source: 'case_record', agency: 'health', themes: [], polarity, caseId: null },
      });
    await note('Chronology missing for the last six months. <img src=x onerror=alert(1)>', 'weakness');
    await note('Chronology kept up to date by the health visitor.', 'strength');
    await note('Nothing relevant here.', 'neutral');
    await runtime.call('findings.create', {
      inspectionId,
      fields: { kind: 'improvement', statement: 'Chronologies are not kept up to date.', agencies: ['health'], theme: null },
    });

    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const box = page.getByRole('searchbox', { name: 'Search notes and findings' });
    await box.waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await box.focus();
    await page.keyboard.type('chrono');
    const results = page.getByRole('list', { name: 'Results' });
    await page.getByRole('status').filter({ hasText: '3 results' }).waitFor();
    expect((await results.locator('mark').allTextContents()).map((t) => t.toLowerCase()).sort()).toEqual([
      'chronologies',
      'chronology',
      'chronology',
    ]);
    // The note's markup is shown as text, never run or parsed.
    await results.getByText('<img src=x onerror=alert(1)>', { exact: false }).waitFor();
    expect(await results.locator('img').count()).toBe(0);

    await page.getByLabel('Points to').selectOption('strength');
    await page.getByRole('status').filter({ hasText: '1 result' }).waitFor();
    await results.getByText('health visitor', { exact: false }).waitFor();
    await page.getByLabel('Points to').selectOption('');
    await page.getByLabel('Search in').selectOption('finding');
    await page.getByRole('status').filter({ hasText: '1 result' }).waitFor();
    await results.getByText('Finding', { exact: true }).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('search-findings');
    await page.getByLabel('Search in').selectOption('all');
    await page.getByRole('status').filter({ hasText: '3 results' }).waitFor();
    await app.screenshot('search-results');

    // Query syntax typed by the user is treated as words.
    await box.fill('chrono" OR (');
    await page
      .getByRole('status')
      .filter({ hasText: /\d+ results?/ })
      .waitFor();
    expect(await page.locator('.error-box').count()).toBe(0);
  });
});
