/**
 * Long note lists in Chromium (issue 15): the notes list reads its pages from the store as it
 * scrolls, so scrolling by keyboard alone reaches the oldest of 1,500 notes; a case's notes
 * show more on request. Both stay clean under axe.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../main/services/context.js';
import { writeEdits, type FieldEdit } from '../../main/sync/local-write.js';
import { newId, sampledCaseId } from '../../shared/domain/ids.js';
import { chromiumAvailable, launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection } from '../support/runtime.js';

const NOTES = 1_500;
const START = Date.parse('2026-11-02T09:00:00.000Z');

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An inspection with a case and `NOTES` notes (every 25th for the case), written as the app writes them. */
async function longInspection(a: BrowserApp): Promise<{ inspectionId: string; caseId: string }> {
  const { ctx } = a.runtime;
  const inspection = await a.runtime.call('inspections.create', {
    fields: { ...sampleInspection, inspectorates: ['ofsted'] },
    leadName: 'Asha Patel',
  });
  const caseId = sampledCaseId(inspection.id, 'NS-1001');
  inTransaction(ctx, () => {
    writeEdits(ctx, inspection.id, [{ table: 'sampled_case', row: caseId, field: 'case_ref', value: 'NS-1001' }]);
    const edits: FieldEdit[] = [];
    for (let i = 0; i < NOTES; i += 1) {
      const id = newId();
      const set = (field: string, value: FieldEdit['value']) => edits.push({ table: 'evidence_note', row: id, field, value });
      set('text', `Note number ${i + 1}: strategy discussion held within a day.`);
      set('author', ctx.device.author);
      set('created_at', new Date(START + i * 60_000).toISOString());
      set('source', 'case_record');
      if (i % 25 === 0) set('case_id', caseId);
    }
    writeEdits(ctx, inspection.id, edits);
  });
  return { inspectionId: inspection.id, caseId };
}

describe.skipIf(!chromiumAvailable)('long note lists', () => {
  it('scrolls the notes list by keyboard to the oldest of 1,500 notes, reading pages as it goes', async () => {
    app = await launchApp();
    const { page } = app;
    await longInspection(app);
    const pagesRead: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/evidence.list')) pagesRead.push(request.postData() ?? '');
    });
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Evidence notes' }).click();
    await page.getByRole('status').filter({ hasText: '1,500 notes' }).waitFor();
    const list = page.getByRole('region', { name: 'Notes list' });
    await list.getByText('Note number 1500:').waitFor();
    expect(pagesRead).toHaveLength(1); // the first page only, until the list is scrolled
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('notes-list-first-page');

    // Keyboard alone: the list has the focus, End goes to the bottom of what is loaded, and the
    // next page is read as its end comes into view; again until the oldest note is there.
    await list.focus();
    const oldest = list.getByText('Note number 1:'); // not 10:, 100: …
    for (let presses = 0; presses < 40 && (await oldest.count()) === 0; presses += 1) {
      await page.keyboard.press('End');
      await page.waitForTimeout(150);
    }
    await oldest.waitFor();
    expect(new Set(pagesRead).size).toBe(pagesRead.length); // no page read twice
    expect(pagesRead.length).toBe(NOTES / 100);
    expect(await list.getByText('Loading more notes…').count()).toBe(0);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('notes-list-last-page');
    // Going back to the top needs no page read again.
    await page.keyboard.press('Home');
    await list.getByText('Note number 1500:').waitFor();
    expect(pagesRead.length).toBe(NOTES / 100);
  }, 180_000);

  it('shows a case’s notes fifty at a time, with more on request', async () => {
    app = await launchApp();
    const { page } = app;
    const { inspectionId, caseId } = await longInspection(app);
    await page.evaluate((hash) => (window.location.hash = hash), `#/i/${inspectionId}/case/${caseId}`);
    await page.getByRole('heading', { name: /NS-1001/, level: 1 }).waitFor();
    const notes = page.locator('.case-notes > li');
    await expect.poll(() => notes.count()).toBe(50);
    const more = page.getByRole('button', { name: 'Show more notes (50 of 60 shown)' });
    await more.focus();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('case-notes-first-page');
    await page.keyboard.press('Enter');
    await expect.poll(() => notes.count()).toBe(60);
    expect(await page.getByRole('button', { name: /Show more notes/ }).count()).toBe(0);
    expect(await page.getByText('Note number 1:').count()).toBe(1);
    await app.screenshot('case-notes-all');
  }, 180_000);
});
