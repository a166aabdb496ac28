import { afterEach, describe, expect, it } from 'vitest';
import { sampledCaseId } from '../../shared/domain/ids.js';
import { inTransaction } from '../../main/services/context.js';
import { writeEdits } from '../../main/sync/local-write.js';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection } from '../support/runtime.js';
import { readStoreFile } from '../support/given.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An inspection with two sampled cases, opened in the browser. */
async function openInspection(a: BrowserApp) {
  const inspection = await a.runtime.call('inspections.create', {
    fields: { ...sampleInspection, inspectorates: ['ofsted'] },
    leadName: 'Asha Patel',
  });
  const cases = ['NS-1001', 'NS-1002'].map((ref) => {
    const id = sampledCaseId(inspection.id, ref);
    inTransaction(a.runtime.ctx, () =>
      writeEdits(a.runtime.ctx, inspection.id, [
        { table: 'sampled_case', row: id, field: 'case_ref', value: ref },
        { table: 'sampled_case', row: id, field: 'stage', value: 'child_protection' },
      ]),
    );
    return id;
  });
  await a.page.reload();
  await a.page.getByRole('button', { name: 'Northshire County Council' }).click();
  return { inspectionId: inspection.id, cases };
}

describe('evidence notes in the browser', () => {
  it('writes a note by keyboard alone with autosave, filters, deletes and restores, and it all reaches the SQLite file', async () => {
    app = await launchApp();
    const { page } = app;
    const { cases } = await openInspection(app);
    await page.getByRole('button', { name: 'Evidence notes' }).click();
    await page.getByRole('heading', { name: 'Evidence notes', level: 1 }).waitFor();
    expect(await app.axeViolations()).toEqual([]);

    // The shortcut opens the composer with the cursor in the text.
    await page.keyboard.press('Control+Shift+N');
    const composer = page.getByRole('dialog', { name: 'New evidence note' });
    await composer.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await page.keyboard.type('Strategy discussion held within a day; police attended and shared history.');
    await composer.getByText(/^Saved at \d\d:\d\d$/).waitFor();

    await page.keyboard.press('Tab'); // source
    await page.keyboard.press('ArrowDown'); // Case record
    await page.keyboard.press('Tab'); // agency
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // Police
    await page.keyboard.press('Tab'); // themes
    await page.keyboard.type('risk ass');
    await page.getByRole('option', { name: 'Risk assessment' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Housing');
    await page.keyboard.press('Enter');
    await composer.getByRole('button', { name: 'Remove Housing' }).waitFor();
    // Polarity starts unset: an unclassified note is not counted as neutral evidence.
    expect(await composer.getByRole('radio', { checked: true }).count()).toBe(0);
    await composer.getByText('Not chosen yet').waitFor();
    await page.keyboard.press('Tab'); // polarity (none chosen: the first radio has the focus)
    await page.keyboard.press('ArrowDown'); // Weakness
    await page.keyboard.press('Tab'); // case
    await page.keyboard.press('ArrowDown'); // NS-1001
    expect(await composer.getByLabel('Source').inputValue()).toBe('case_record');
    expect(await composer.getByLabel('Agency').inputValue()).toBe('police');
    expect(await composer.getByLabel('Weakness').isChecked()).toBe(true);
    await composer.getByText(/^Saved at/).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('notes-composer');

    // A save that fails keeps the text on screen and says why; fixing it saves.
    const text = composer.getByLabel('What did you see or hear?');
    await text.fill('x'.repeat(20_001));
    await composer.getByText(/^Not saved — The note is longer than 20,000 characters.*your text is still here\.$/).waitFor();
    expect((await text.inputValue()).length).toBe(20_001);
    await app.screenshot('notes-composer-failed');
    await text.fill('Strategy discussion held within a day; police attended and shared history. Child seen alone.');
    await composer.getByText(/^Saved at/).waitFor();

    // The store refusing writes (as a full or locked disk would): the text stays, the save is retried and succeeds.
    app.runtime.ctx.db.pragma('query_only = ON');
    await text.press('End');
    await page.keyboard.type(' Mother present.');
    await composer.getByText(/^Not saved — .*your text is still here\.$/).waitFor();
    expect(await text.inputValue()).toMatch(/Mother present\.$/);
    app.runtime.ctx.db.pragma('query_only = OFF');
    await composer.getByText(/^Saved at/).waitFor({ timeout: 15_000 });

    await page.keyboard.press('Escape');
    await composer.waitFor({ state: 'hidden' });

    // A second note, general evidence, by the visible button.
    await page
      .getByRole('button', { name: /^New note/ })
      .first()
      .click();
    await page.keyboard.type('Managers review caseloads monthly.');
    await page.getByText(/^Saved at/).waitFor();
    await page.keyboard.press('Escape');

    const list = page.getByRole('region', { name: 'Notes list' });
    await list.getByText('Child seen alone.', { exact: false }).waitFor();
    await page.getByRole('status').filter({ hasText: '2 notes' }).waitFor();
    await page.getByLabel('Points to').selectOption('weakness');
    await page.getByRole('status').filter({ hasText: '1 note' }).waitFor();
    await page.getByLabel('Case', { exact: true }).selectOption({ label: 'NS-1002' });
    await page.getByText('No notes match.').waitFor();
    await page.getByLabel('Case', { exact: true }).selectOption({ label: 'NS-1001' });
    await page.getByLabel('Theme').selectOption('Housing');
    await page.getByRole('status').filter({ hasText: '1 note' }).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('notes-filtered');

    await list.getByRole('button', { name: 'Delete note' }).click();
    await page.getByText('No notes match.').waitFor();
    await page.getByLabel('Show deleted notes').check();
    await list.getByRole('button', { name: 'Restore note' }).click();
    await list.getByRole('button', { name: 'Edit note' }).waitFor();

    const db = readStoreFile(app.runtime.storePath, app.runtime.ctx.device);
    try {
      const rows = db
        .prepare(
          'SELECT id, text, source, agency, themes, polarity, case_id, author, deleted FROM evidence_note ORDER BY created_at',
        )
        .all() as Record<string, string | number>[];
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        text: 'Strategy discussion held within a day; police attended and shared history. Child seen alone. Mother present.',
        source: 'case_record',
        agency: 'police',
        polarity: 'weakness',
        case_id: cases[0],
        author: app.runtime.ctx.device.author,
        deleted: 0,
      });
      expect(JSON.parse(String(rows[0]?.themes))).toEqual(['Risk assessment', 'Housing']);
      expect(rows[1]).toMatchObject({ text: 'Managers review caseloads monthly.', case_id: null });
      const ops = db.prepare("SELECT field, value FROM op WHERE tbl = 'evidence_note' AND row_id = ?").all(rows[0]?.id) as {
        field: string;
        value: string;
      }[];
      expect(ops.filter((o) => o.field === '_deleted').map((o) => o.value)).toEqual(['true', 'false']);
      // Autosave saved the text at every pause as an open draft; each time the note was worked
      // on it was sealed into the op log (drafts, docs/sync-and-merge.md), never the same value twice.
      const texts = ops.filter((o) => o.field === 'text').map((o) => o.value);
      expect(texts.length).toBeGreaterThanOrEqual(1);
      expect(texts.some((t) => t.length > 20_000)).toBe(false);
      expect(new Set(texts).size).toBe(texts.length);
    } finally {
      db.close();
    }
  });
});
