import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3-multiple-ciphers';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { newId } from '../../shared/domain/ids.js';
import { edit, exchange, setUpTeam } from '../support/exchange.js';
import { testRuntime, type TestRuntime } from '../support/runtime.js';

let app: BrowserApp | undefined;
let inspector: TestRuntime | undefined;
afterEach(async () => {
  await app?.close();
  inspector?.dispose();
  app = undefined;
  inspector = undefined;
});

const LEAD_TEXT = 'The strategy meeting was held within a day, with police present.';
const INSPECTOR_TEXT = 'The strategy meeting was held within a day; health did not attend.';

describe('conflict review in the browser', () => {
  it('resolves a text conflict and a delete-vs-edit conflict from the keyboard; the ops reach the SQLite file', async () => {
    app = await launchApp();
    inspector = await testRuntime();
    const lead = app.runtime;
    const fixture = await setUpTeam(lead, inspector);
    edit(lead, fixture.inspectionId, [{ table: 'evidence_note', row: fixture.noteId, field: 'text', value: LEAD_TEXT }]);
    edit(lead, fixture.inspectionId, [{ table: 'finding', row: fixture.findingId, field: '_deleted', value: true }]);
    edit(inspector, fixture.inspectionId, [
      { table: 'evidence_note', row: fixture.noteId, field: 'text', value: INSPECTOR_TEXT },
      { table: 'finding', row: fixture.findingId, field: 'statement', value: 'Strategy meetings are timely.' },
    ]);
    await exchange(inspector, lead, fixture.inspectionId);

    const { page } = app;
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    const badge = page.getByRole('button', { name: '2 conflicts to review' });
    await badge.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Conflicts' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Case NS-0142' }).waitFor();
    await page.getByRole('heading', { level: 2, name: /^Finding: / }).waitFor();
    // The word diff is readable without colour: hidden words name each change.
    const noteCard = page.getByRole('article', { name: /Evidence note .*Note text/ });
    await expect(noteCard.locator('ins').first().textContent()).resolves.toContain('[added:');
    await expect(noteCard.getByText('Ben Okafor').first().isVisible()).resolves.toBe(true);
    await expect(noteCard.getByText('Written on this laptop').isVisible()).resolves.toBe(true);
    await expect(noteCard.getByText(/^From bundle bundle-\d+\.fwbundle, imported /).isVisible()).resolves.toBe(true);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('conflicts-queue');

    // Write a merged version of the note, by keyboard only.
    await noteCard.getByRole('button', { name: 'Write a merged version' }).focus();
    await page.keyboard.press('Enter');
    const editor = noteCard.getByLabel('Merged text for “Note text”');
    await expect(editor.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('The strategy meeting was held within a day; police attended, health did not.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Saved the merged text. 1 left to review.' }).waitFor();
    await page.getByRole('button', { name: '1 conflict to review' }).waitFor();
    await app.screenshot('conflicts-one-left');

    // Restore the finding that was deleted while Ben edited it.
    const findingCard = page.getByRole('article', { name: /Finding .*Deletion/ });
    await findingCard.getByText('Changed at the same time, without seeing the deletion').waitFor();
    await findingCard.getByRole('button', { name: 'Restore the finding' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('No conflicts to review.').waitFor();
    await expect(page.getByRole('button', { name: /conflicts? to review/ }).count()).resolves.toBe(0);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('conflicts-none');

    const db = new Database(lead.storePath, { readonly: true });
    try {
      expect(db.prepare('SELECT * FROM conflict').all()).toEqual([]);
      const note = db.prepare('SELECT text FROM evidence_note WHERE id = ?').get(fixture.noteId) as { text: string };
      expect(note.text).toBe('The strategy meeting was held within a day; police attended, health did not.');
      const finding = db.prepare('SELECT deleted, statement FROM finding WHERE id = ?').get(fixture.findingId) as Record<
        string,
        unknown
      >;
      expect(finding).toEqual({ deleted: 0, statement: 'Strategy meetings are timely.' });
      const noteOps = db
        .prepare("SELECT value, deps, author FROM op WHERE tbl = 'evidence_note' AND row_id = ? AND field = 'text' ORDER BY hlc")
        .all(fixture.noteId) as { value: string; deps: string; author: string }[];
      const resolution = noteOps[noteOps.length - 1]!;
      expect(resolution.author).toBe(lead.ctx.device.author);
      const competing = noteOps.filter((o) => [LEAD_TEXT, INSPECTOR_TEXT].includes(JSON.parse(o.value) as string));
      expect(competing).toHaveLength(2);
      const ids = db
        .prepare("SELECT id FROM op WHERE tbl = 'evidence_note' AND row_id = ? AND field = 'text' AND value IN (?, ?)")
        .all(fixture.noteId, JSON.stringify(LEAD_TEXT), JSON.stringify(INSPECTOR_TEXT)) as { id: string }[];
      expect((JSON.parse(resolution.deps) as string[]).sort()).toEqual(ids.map((r) => r.id).sort());
      const restore = db
        .prepare("SELECT value FROM op WHERE tbl = 'finding' AND row_id = ? AND field = '_deleted' ORDER BY hlc DESC LIMIT 1")
        .get(fixture.findingId) as { value: string };
      expect(JSON.parse(restore.value)).toBe(false);
    } finally {
      db.close();
    }
  });

  it('keeps one version by keyboard and says so', async () => {
    app = await launchApp();
    inspector = await testRuntime();
    const lead = app.runtime;
    const fixture = await setUpTeam(lead, inspector);
    edit(lead, fixture.inspectionId, [
      { table: 'finding', row: fixture.findingId, field: 'statement', value: 'Meetings are timely.' },
    ]);
    edit(inspector, fixture.inspectionId, [
      { table: 'finding', row: fixture.findingId, field: 'statement', value: 'Meetings are timely and well attended.' },
    ]);
    await exchange(inspector, lead, fixture.inspectionId);
    const { page } = app;
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Conflicts' }).click();
    const keep = page.getByRole('button', { name: /Keep version \d by Ben Okafor/ });
    await keep.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Kept Ben Okafor’s version. No conflicts left.' }).waitFor();
    await expect(
      page.getByRole('heading', { level: 1, name: 'Conflicts' }).evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    const db = new Database(lead.storePath, { readonly: true });
    try {
      const row = db.prepare('SELECT statement FROM finding WHERE id = ?').get(fixture.findingId) as { statement: string };
      expect(row.statement).toBe('Meetings are timely and well attended.');
      expect(db.prepare('SELECT count(*) AS n FROM conflict').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
  it('says so when a conflict was resolved elsewhere, and shows the queue as it is now', async () => {
    app = await launchApp();
    inspector = await testRuntime();
    const lead = app.runtime;
    const fixture = await setUpTeam(lead, inspector);
    edit(lead, fixture.inspectionId, [{ table: 'finding', row: fixture.findingId, field: 'statement', value: 'Timely.' }]);
    edit(inspector, fixture.inspectionId, [{ table: 'finding', row: fixture.findingId, field: 'statement', value: 'Prompt.' }]);
    await exchange(inspector, lead, fixture.inspectionId);
    const { page } = app;
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Conflicts' }).click();
    await page.getByRole('button', { name: /Keep version 1/ }).waitFor();
    // Another window resolves it first.
    await lead.call('conflicts.resolve', {
      inspectionId: fixture.inspectionId,
      table: 'finding',
      row: fixture.findingId,
      field: 'statement',
      action: 'edit',
      value: 'Resolved elsewhere.',
    });
    const opsBefore = new Database(lead.storePath, { readonly: true });
    const count = (opsBefore.prepare('SELECT count(*) AS n FROM op').get() as { n: number }).n;
    opsBefore.close();
    await page.getByRole('button', { name: /Keep version 1/ }).click();
    await page.getByRole('status').filter({ hasText: 'This conflict has changed since it was shown' }).waitFor();
    await page.getByText('No conflicts to review.').waitFor();
    const db = new Database(lead.storePath, { readonly: true });
    try {
      expect((db.prepare('SELECT count(*) AS n FROM op').get() as { n: number }).n).toBe(count);
      expect(db.prepare('SELECT statement FROM finding WHERE id = ?').get(fixture.findingId)).toEqual({
        statement: 'Resolved elsewhere.',
      });
    } finally {
      db.close();
    }
  });

  it('loads the next page of a long queue from the keyboard; a case split over two pages shows as one group', async () => {
    app = await launchApp();
    inspector = await testRuntime();
    const lead = app.runtime;
    const fixture = await setUpTeam(lead, inspector);
    // 55 notes on the one case, each edited on both laptops: 55 conflicts, more than a page (50).
    const notes = [fixture.noteId, ...Array.from({ length: 54 }, () => newId())];
    edit(
      lead,
      fixture.inspectionId,
      notes.slice(1).flatMap((row, i) => [
        { table: 'evidence_note' as const, row, field: 'case_id', value: fixture.caseId },
        { table: 'evidence_note' as const, row, field: 'text', value: `Visit ${i + 2}: the child was seen.` },
      ]),
    );
    await exchange(lead, inspector, fixture.inspectionId);
    for (const [laptop, who] of [
      [lead, 'Asha'],
      [inspector, 'Ben'],
    ] as const) {
      edit(
        laptop,
        fixture.inspectionId,
        notes.map((row, i) => ({
          table: 'evidence_note' as const,
          row,
          field: 'text',
          value: `Visit ${i + 1}: seen alone (${who}).`,
        })),
      );
    }
    await exchange(inspector, lead, fixture.inspectionId);

    const { page } = app;
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: '55 conflicts to review' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 50 of 55 conflicts' }).waitFor();
    await expect(page.getByRole('article').count()).resolves.toBe(50);
    const more = page.getByRole('button', { name: 'Show more conflicts' });
    // Reached by Tab from the last card's last control, like any other button.
    await page.getByRole('article').last().getByRole('button', { name: 'Write a merged version' }).focus();
    await page.keyboard.press('Tab');
    await expect(more.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Showing 55 of 55 conflicts' }).waitFor();
    await expect(page.getByRole('article').count()).resolves.toBe(55);
    await expect(more.count()).resolves.toBe(0);
    // One group for the case, though its conflicts came in two pages; the focus is on the first new one.
    await expect(page.getByRole('heading', { level: 2, name: 'Case NS-0142' }).count()).resolves.toBe(1);
    const fiftyFirst = page.locator('[data-conflict-heading]').nth(50);
    await expect(fiftyFirst.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('conflicts-paged');
  });
});
