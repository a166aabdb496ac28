/**
 * The last keystroke is kept: text typed moments before a reload or before the page is closed
 * reaches the encrypted store (the page saves on pagehide with a request that outlives it) and
 * the composer reopens on it; nothing of it is kept in the browser's own storage. And the case
 * audit refuses "Partly" or "No" without a reason with the service's own field message, never
 * a green "Saved" while the store keeps no answer.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sampledCaseId } from '../../shared/domain/ids.js';
import { inTransaction } from '../../main/services/context.js';
import { writeEdits } from '../../main/sync/local-write.js';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function storedNotes(a: BrowserApp): string[] {
  const db = new Database(a.runtime.storePath, { readonly: true });
  try {
    return (db.prepare('SELECT text FROM evidence_note ORDER BY text').all() as { text: string }[]).map((r) => r.text);
  } finally {
    db.close();
  }
}

/** Everything the page keeps in the browser's own storage (which is plain text on disk). */
function browserStorage(page: Page): Promise<string> {
  return page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
}

async function openInspection(a: BrowserApp, page: Page = a.page) {
  const inspection = await a.runtime.call('inspections.create', {
    fields: { ...sampleInspection, inspectorates: ['ofsted'] },
    leadName: 'Asha Patel',
  });
  const caseId = sampledCaseId(inspection.id, 'NS-2001');
  inTransaction(a.runtime.ctx, () =>
    writeEdits(a.runtime.ctx, inspection.id, [
      { table: 'sampled_case', row: caseId, field: 'case_ref', value: 'NS-2001' },
      { table: 'sampled_case', row: caseId, field: 'stage', value: 'child_protection' },
    ]),
  );
  await page.reload();
  await page.getByRole('button', { name: 'Northshire County Council' }).click();
  return { inspectionId: inspection.id, caseId };
}

async function typeInNewNote(page: Page, text: string) {
  await page.getByRole('button', { name: 'Evidence notes' }).click();
  await page.keyboard.press('Control+Shift+N');
  await page.getByRole('dialog', { name: 'New evidence note' }).waitFor();
  await page.keyboard.type(text);
}

describe('the last keystroke is kept', () => {
  it('text typed just before a reload is in the store and back in the composer after it', async () => {
    app = await launchApp();
    const { page } = app;
    await openInspection(app);
    await typeInNewNote(page, 'Seen at home; the mother said the boyfriend has moved back in');
    // Reload at once: well inside the 600 ms the autosave waits for.
    await page.reload();
    await expect
      .poll(() => storedNotes(app as BrowserApp))
      .toEqual(['Seen at home; the mother said the boyfriend has moved back in']);
    // The reload keeps the place (the inspection is in the URL): the composer reopens on the
    // note by itself, read back from the store.
    const composer = page.getByRole('dialog', { name: /evidence note/ });
    await composer.waitFor();
    expect(await composer.getByLabel('What did you see or hear?').inputValue()).toBe(
      'Seen at home; the mother said the boyfriend has moved back in',
    );
    // The composer carries on: more typing saves to the same note.
    await composer.getByLabel('What did you see or hear?').press('Control+End');
    await page.keyboard.type(' last week.');
    await composer.getByText(/^Saved at \d\d:\d\d$/).waitFor();
    expect(storedNotes(app)).toEqual(['Seen at home; the mother said the boyfriend has moved back in last week.']);
    expect(await browserStorage(page)).not.toMatch(/boyfriend/);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('composer-after-reload');
  });

  it('text typed just before the page is closed is there when it is opened again', async () => {
    app = await launchApp();
    const { page } = app;
    await openInspection(app);
    await typeInNewNote(page, 'Strategy meeting held without police present');
    await page.close();
    await expect.poll(() => storedNotes(app as BrowserApp)).toEqual(['Strategy meeting held without police present']);
    const again = await page.context().newPage();
    await again.goto(app.server.pageUrl);
    await again.getByRole('button', { name: 'Northshire County Council' }).click();
    const composer = again.getByRole('dialog', { name: /evidence note/ });
    await composer.waitFor();
    expect(await composer.getByLabel('What did you see or hear?').inputValue()).toBe(
      'Strategy meeting held without police present',
    );
    expect(await browserStorage(again)).not.toMatch(/Strategy meeting/);
    await again.close();
  });
});

describe('the case audit', () => {
  it('refuses “Partly” without a reason with the field’s own message, never “Saved”, then saves once a reason is given', async () => {
    app = await launchApp();
    const { page } = app;
    const { caseId } = await openInspection(app);
    await page.getByRole('button', { name: 'Cases' }).click();
    await page.getByRole('button', { name: 'NS-2001', exact: true }).click();
    await page.getByRole('heading', { name: 'Case NS-2001', level: 1 }).waitFor();
    // A prompt typed, then "Partly" chosen before the prompt's save went out.
    await page.getByLabel("The child's voice and lived experience").fill('Seen alone twice.');
    await page.getByRole('radio', { name: 'Partly' }).check();
    const status = page.getByRole('status').filter({ hasText: /Saved|Not saved|Saving/ });
    await page.getByText('Give a reason why you only partly agree with the area’s audit.', { exact: false }).first().waitFor();
    // Long enough for every save to have come back: still refused, never a green "Saved".
    await page.waitForTimeout(1500);
    await expect.poll(() => status.textContent()).toMatch(/^Not saved — Give a reason why you only partly agree/);
    const reason = page.getByLabel(/^Reason/);
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    const stored = () => {
      const db = new Database((app as BrowserApp).runtime.storePath, { readonly: true });
      try {
        return db.prepare('SELECT audit_agreement, agreement_reason, prompts FROM sampled_case WHERE id = ?').get(caseId) as {
          audit_agreement: string | null;
          agreement_reason: string | null;
          prompts: string | null;
        };
      } finally {
        db.close();
      }
    };
    expect(stored().audit_agreement).toBeNull();
    expect(JSON.parse(stored().prompts ?? '{}')).toEqual({ voice: 'Seen alone twice.' });
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('audit-reason-refused');

    await reason.fill('Plans drift after the conference.');
    await expect.poll(() => status.textContent()).toMatch(/^Saved at \d\d:\d\d$/);
    expect(stored()).toMatchObject({ audit_agreement: 'partly', agreement_reason: 'Plans drift after the conference.' });
    expect(await reason.getAttribute('aria-invalid')).toBeNull();
  });
});
