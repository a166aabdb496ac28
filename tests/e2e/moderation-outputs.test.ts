import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../shared/domain/ids.js';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { renderDocx } from '../support/letter-render.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function seed(a: BrowserApp) {
  const rt = a.runtime;
  const inspection = await rt.call('inspections.create', {
    fields: { ...sampleInspection, inspectorates: ['ofsted', 'cqc'] },
    leadName: 'Asha Patel',
  });
  const note = async (text: string, source: 'case_record' | 'practitioner' | 'manager') =>
    (
      await rt.call('evidence.create', {
        inspectionId: inspection.id,
        id: newId(),
        fields: { text, source, agency: 'social_care', themes: ['Planning'], polarity: 'weakness', caseId: null },
      })
    ).id;
  const finding = async (statement: string, kind: 'improvement' | 'strength', agencies: ('social_care' | 'police')[]) =>
    (await rt.call('findings.create', { inspectionId: inspection.id, fields: { kind, statement, agencies, theme: 'Planning' } }))
      .id;
  const n1 = await note('Plan for child lacks measurable actions', 'case_record');
  const n2 = await note('Manager accepts plans drift', 'manager');
  const keep = await finding('Plans for children lack specific, measurable actions.', 'improvement', ['social_care']);
  const dup = await finding('Children’s plans are vague.', 'improvement', ['social_care']);
  const strength = await finding('Police attend strategy discussions promptly.', 'strength', ['police']);
  await rt.call('findings.link', { findingId: keep, noteId: n1 });
  await rt.call('findings.link', { findingId: dup, noteId: n2 });
  await rt.call('findings.setStatus', { id: strength, status: 'proposed', reason: 'Ready' });
  await rt.call('findings.setStatus', { id: strength, status: 'agreed', reason: 'Agreed at the meeting' });
  return { inspectionId: inspection.id, keep, dup, strength, n1, n2 };
}

describe('moderation and outputs in the browser', () => {
  it('moderates findings by keyboard, merges duplicates, and exports the letter and both CSVs', async () => {
    app = await launchApp();
    const a = app;
    const { page } = a;
    const ids = await seed(a);
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Moderation' }).click();
    await page.getByRole('heading', { name: 'Moderation', level: 1 }).waitFor();
    await page.getByText('Thinly evidenced').first().waitFor();
    expect(await a.axeViolations()).toEqual([]);
    await a.screenshot('moderation');

    // Merge the duplicate into the finding we keep.
    await page.getByRole('article').filter({ hasText: 'Plans for children lack specific' }).getByRole('checkbox').check();
    await page.getByRole('article').filter({ hasText: 'Children’s plans are vague.' }).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Merge 2 selected findings' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: /Plans for children lack specific/ }).check();
    await dialog.getByLabel('Reason for merging').fill('Same finding, two wordings');
    expect(await a.axeViolations()).toEqual([]);
    await dialog.getByRole('button', { name: 'Merge findings' }).click();
    await dialog.waitFor({ state: 'detached' });

    // Propose then agree the kept finding from the keyboard, each with a reason.
    const card = page.getByRole('article').filter({ hasText: 'Plans for children lack specific' });
    for (const [status, reason] of [
      ['proposed', 'Enough evidence now'],
      ['agreed', 'Agreed by the team'],
    ] as const) {
      await card.getByLabel('Change status to').focus();
      await card.getByLabel('Change status to').selectOption(status);
      await page.keyboard.press('Tab');
      await page.keyboard.type(reason);
      await page.keyboard.press('Enter');
      await card.getByText(`Last status change: ${reason}`).waitFor();
    }
    await card.getByText('Agreed · locked').waitFor();

    const db = new Database(a.runtime.storePath, { readonly: true });
    try {
      const kept = db.prepare('SELECT status, status_reason FROM finding WHERE id = ?').get(ids.keep) as Record<string, string>;
      expect(kept).toEqual({ status: 'agreed', status_reason: 'Agreed by the team' });
      const dup = db.prepare('SELECT status, merged_into FROM finding WHERE id = ?').get(ids.dup) as Record<string, string>;
      expect(dup).toEqual({ status: 'withdrawn', merged_into: ids.keep });
      const links = db.prepare('SELECT note_id FROM finding_evidence WHERE finding_id = ? AND deleted = 0').all(ids.keep) as {
        note_id: string;
      }[];
      expect(new Set(links.map((l) => l.note_id))).toEqual(new Set([ids.n1, ids.n2]));
    } finally {
      db.close();
    }

    await page.getByRole('button', { name: 'Letter and exports' }).click();
    await page.getByRole('heading', { name: 'Draft letter preview' }).waitFor();
    await page.getByLabel('Headline findings (written by the lead inspector)').fill('Leaders know their services well.');
    await page.getByRole('button', { name: 'Save headline findings' }).click();
    await page.getByText('Headline findings saved.').waitFor();
    expect(await a.axeViolations()).toEqual([]);
    await a.screenshot('outputs');

    const download = async (label: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: label }).click()]);
      const path = await file.path();
      return { name: file.suggestedFilename(), bytes: readFileSync(path) };
    };
    const letter = await download('Draft letter (.docx)');
    expect(letter.name).toMatch(/draft-letter\.docx$/);
    const rendered = renderDocx(letter.bytes, 'e2e-letter', resolve('.test-output/letter'));
    const text = rendered.text.replace(/\s+/g, ' ');
    expect(text).toContain('Leaders know their services well.');
    expect(text).toContain('Plans for children lack specific, measurable actions.');
    expect(text).toContain('Police attend strategy discussions promptly.');
    expect(text).not.toContain('Children’s plans are vague.');

    const log = await download('Evidence log (.csv)');
    expect(log.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const logRows = Papa.parse<string[]>(log.bytes.toString('utf8').slice(1), { skipEmptyLines: true }).data;
    expect(logRows).toHaveLength(3);
    expect(logRows.every((r) => r.length === 11)).toBe(true);

    const sample = await download('Case sample summary (.csv)');
    const sampleRows = Papa.parse<string[]>(sample.bytes.toString('utf8').slice(1), { skipEmptyLines: true }).data;
    expect(sampleRows[0]?.[0]).toBe('Case reference');
  });
});
