import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3-multiple-ciphers';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { fingerprint } from '../../main/sync/device-identity.js';
import { launchApp, leadWithInspector, type BrowserApp } from '../support/browser.js';
import { edit } from '../support/exchange.js';
import { recordImportedBundle } from '../../main/store/bundles-repo.js';
import { sampleInspection, tempDir } from '../support/runtime.js';

let apps: BrowserApp[] = [];
afterEach(async () => {
  for (const app of apps) await app.close();
  apps = [];
});

async function openInspection(page: Page, screen: string) {
  await page.reload();
  await page.getByRole('button', { name: 'Northshire County Council' }).click();
  await page.getByRole('button', { name: screen, exact: true }).click();
}

/** Clicks the export's download link and saves the file the browser receives. */
async function saveDownload(page: Page, folder: string): Promise<string> {
  const link = page.getByRole('link', { name: /^Save .*\.fwbundle$/ });
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = join(folder, download.suggestedFilename());
  await download.saveAs(path);
  return path;
}

/** Drops files on the window the way a file manager does: a real DataTransfer on a drop event. */
async function dropFiles(page: Page, files: { name: string; base64: string }[]) {
  await page.evaluate((list) => {
    const transfer = new DataTransfer();
    for (const { name, base64 } of list) {
      const binary = atob(base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
      transfer.items.add(new File([bytes], name));
    }
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, files);
}

function storeRows<T>(app: BrowserApp, sql: string, ...params: unknown[]): T[] {
  const db = new Database(app.runtime.storePath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('bundles in the browser', () => {
  it('the lead exports, the inspector joins by dropping the file, and the lead imports the reply with a tampered copy refused', async () => {
    const lead = await launchApp();
    const inspector = await launchApp();
    apps.push(lead, inspector);
    const folder = tempDir('fieldwork-downloads-');
    const inspection = await leadWithInspector(lead, inspector);

    // The lead exports everything for the team, by keyboard.
    await openInspection(lead.page, 'Bundles and sync');
    await lead.page.getByRole('heading', { level: 1, name: 'Bundles and sync' }).waitFor();
    await lead.page.getByLabel('Everything (a full export, for recovery)').focus();
    await lead.page.keyboard.press('Space');
    await lead.page.getByRole('button', { name: 'Export bundle' }).focus();
    await lead.page.keyboard.press('Enter');
    const setupFile = await saveDownload(lead.page, folder);
    expect(setupFile.endsWith('.fwbundle')).toBe(true);
    expect(await lead.axeViolations()).toEqual([]);
    await lead.screenshot('bundles-exported');

    // The inspector, with no inspection yet, drops it on the window and confirms the lead's fingerprint.
    await inspector.page.getByRole('heading', { name: 'Inspections' }).waitFor();
    await dropFiles(inspector.page, [{ name: 'setup.fwbundle', base64: readFileSync(setupFile).toString('base64') }]);
    const dialog = inspector.page.getByRole('dialog', { name: 'Import bundles' });
    const shownFingerprint = dialog.locator('.bundle-fingerprint');
    await shownFingerprint.waitFor();
    expect(await shownFingerprint.textContent()).toBe(fingerprint(lead.runtime.ctx.device.author));
    expect(await inspector.axeViolations()).toEqual([]);
    await inspector.screenshot('bundles-join-confirm');
    await expect(dialog.getByRole('button', { name: 'Join and import' }).isDisabled()).resolves.toBe(true);
    await dialog.getByLabel('The lead’s fingerprint matches').check();
    await dialog.getByRole('button', { name: 'Join and import' }).click();
    await dialog.getByText(/^Imported: \d+ new changes/).waitFor();
    await dialog.getByRole('button', { name: 'Open the inspection' }).click();
    await inspector.page.getByRole('heading', { name: 'Set-up and team' }).waitFor();
    expect(storeRows(inspector, 'SELECT id FROM inspection WHERE id = ?', inspection.id)).toHaveLength(1);

    // The inspector records a note and exports the changes the team has not had.
    const noteId = '01932f4e-7b00-7000-8000-000000000001';
    edit(inspector.runtime, inspection.id, [
      { table: 'evidence_note', row: noteId, field: 'text', value: 'Health visitor was not invited to the strategy meeting.' },
    ]);
    await inspector.page.getByRole('button', { name: 'Bundles and sync', exact: true }).click();
    await inspector.page.getByRole('button', { name: 'Export bundle' }).click();
    const replyFile = await saveDownload(inspector.page, folder);
    const tampered = readFileSync(replyFile);
    const middle = Math.floor(tampered.length / 2);
    tampered[middle] = (tampered[middle] as number) ^ 0x01;
    const tamperedFile = join(folder, 'tampered.fwbundle');
    writeFileSync(tamperedFile, tampered);
    const refusal = await lead.runtime.call('bundles.preview', { fileName: 'tampered.fwbundle', bytes: tampered }).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(refusal).toBeTruthy();

    // The lead picks both files at once: one imports, the tampered one is refused with its reason.
    await lead.page.getByLabel('Bundle files').setInputFiles([replyFile, tamperedFile]);
    const list = lead.page.getByRole('list', { name: 'Files being imported' });
    await list.getByText(/^Imported: 1 new change, 1 field updated, 0 new conflicts, 0 deletions\.$/).waitFor();
    await list.getByText(`Refused: ${refusal}`).waitFor();
    await lead.page.getByRole('cell', { name: replyFile.split('/').pop() }).waitFor();
    await lead.page.getByRole('cell', { name: /Ben Okafor/ }).waitFor();
    expect(await lead.axeViolations()).toEqual([]);
    await lead.screenshot('bundles-imported');

    // Again: nothing changes.
    await lead.page.getByLabel('Bundle files').setInputFiles([replyFile]);
    await list.getByText('Already imported: 0 changes.').waitFor();

    const notes = storeRows<{ text: string }>(lead, 'SELECT text FROM evidence_note WHERE id = ?', noteId);
    expect(notes).toEqual([{ text: 'Health visitor was not invited to the strategy meeting.' }]);
    const ops = storeRows<{ author: string }>(lead, "SELECT author FROM op WHERE row_id = ? AND field = 'text'", noteId);
    expect(ops).toEqual([{ author: inspector.runtime.ctx.device.author }]);
    const history = storeRows<{ file_name: string }>(lead, 'SELECT file_name FROM imported_bundle');
    expect(history).toEqual([{ file_name: replyFile.split('/').pop() }]);
  });
});

describe('bundle questions in the browser', () => {
  it('asks for the passphrase of a USB bundle, and for confirmation before many deletions', async () => {
    const lead = await launchApp();
    const inspector = await launchApp();
    apps.push(lead, inspector);
    const folder = tempDir('fieldwork-downloads-');
    const inspection = await leadWithInspector(lead, inspector);
    const noteIds = Array.from({ length: 11 }, (_, i) => `01932f4e-7b00-7000-8000-0000000001${String(i).padStart(2, '0')}`);
    edit(
      lead.runtime,
      inspection.id,
      noteIds.map((row, i) => ({ table: 'evidence_note', row, field: 'text', value: `Note ${i + 1}` })),
    );

    // A passphrase export for a USB stick.
    await openInspection(lead.page, 'Bundles and sync');
    await lead.page.getByLabel('Anyone with a passphrase (for a USB stick hand-off)').check();
    await lead.page.getByLabel('Passphrase', { exact: true }).fill('short');
    await lead.page.getByRole('button', { name: 'Export bundle' }).click();
    await lead.page
      .getByText(/at least 8 characters/i)
      .first()
      .waitFor();
    await lead.page.getByLabel('Passphrase', { exact: true }).fill('kestrel harbour lantern');
    await lead.page.getByRole('button', { name: 'Export bundle' }).click();
    const usbFile = await saveDownload(lead.page, folder);

    await dropFiles(inspector.page, [{ name: 'from-usb.fwbundle', base64: readFileSync(usbFile).toString('base64') }]);
    const dialog = inspector.page.getByRole('dialog', { name: 'Import bundles' });
    const passphrase = dialog.getByLabel('If it was protected with a passphrase, enter it');
    await passphrase.fill('wrong words here');
    await passphrase.press('Enter');
    await dialog.getByText('That passphrase does not open this bundle. Check it and try again.').waitFor();
    await passphrase.fill('kestrel harbour lantern');
    await passphrase.press('Enter');
    await dialog.getByLabel('The lead’s fingerprint matches').check();
    await dialog.getByRole('button', { name: 'Join and import' }).click();
    await dialog.getByRole('button', { name: 'Open the inspection' }).click();
    expect(storeRows(inspector, 'SELECT id FROM evidence_note WHERE deleted = 0')).toHaveLength(11);

    // The lead deletes eleven notes; the inspector must confirm before the import deletes them.
    edit(
      lead.runtime,
      inspection.id,
      noteIds.map((row) => ({ table: 'evidence_note', row, field: '_deleted', value: true })),
    );
    await lead.page.getByLabel('The team (encrypted to each member’s device)').check();
    await lead.page.getByRole('button', { name: 'Export bundle' }).click();
    // The previous export's link goes as soon as a new export starts.
    await lead.page.getByRole('link', { name: `Save ${basename(usbFile)}` }).waitFor({ state: 'detached' });
    const deletionsFile = await saveDownload(lead.page, folder);

    await inspector.page.getByRole('button', { name: 'Bundles and sync', exact: true }).click();
    await inspector.page.getByLabel('Bundle files').setInputFiles([deletionsFile]);
    const list = inspector.page.getByRole('list', { name: 'Files being imported' });
    // Only the deletions wait: the prompt names who deleted how many of which record.
    await list.getByText(/This bundle would delete 11 records \(11 evidence notes deleted by /).waitFor();
    expect(storeRows(inspector, 'SELECT id FROM evidence_note WHERE deleted = 0')).toHaveLength(11);
    expect(await inspector.axeViolations()).toEqual([]);
    await inspector.screenshot('bundles-confirm-deletions');
    await list.getByRole('button', { name: 'Import and delete 11 records' }).focus();
    await inspector.page.keyboard.press('Enter');
    await list.getByText(/^Imported: .*11 deletions\.$/).waitFor();
    expect(storeRows(inspector, 'SELECT id FROM evidence_note WHERE deleted = 1')).toHaveLength(11);
  });

  it('the import history shows 50 bundles, says how many there are, and loads the rest from the keyboard', async () => {
    const lead = await launchApp();
    apps.push(lead);
    const { id: inspectionId } = await lead.runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
      leadName: 'Asha Patel',
    });
    // 55 imports as the importer records them, one a minute.
    const { db } = lead.runtime.ctx;
    db.transaction(() => {
      for (let i = 0; i < 55; i += 1) {
        recordImportedBundle(db, {
          id: `bundle-${String(i).padStart(2, '0')}`,
          inspectionId,
          fileName: `ben-${String(i).padStart(2, '0')}.fwbundle`,
          exporter: lead.runtime.ctx.device.author,
          importedAt: new Date(Date.parse('2026-11-04T09:00:00Z') + i * 60_000).toISOString(),
          newOps: 2,
          summary: { updatedFields: 2, newConflicts: 0, deletions: 0, exporterName: 'Ben Okafor' },
        });
      }
    })();
    const { page } = lead;
    await openInspection(page, 'Bundles and sync');
    const history = page.getByRole('region', { name: 'Imported bundles' });
    await history.getByRole('status').filter({ hasText: 'Showing 50 of 55 bundles' }).waitFor();
    // Newest first.
    await expect(history.getByRole('row').nth(1).textContent()).resolves.toContain('ben-54.fwbundle');
    const more = history.getByRole('button', { name: 'Show more bundles' });
    await more.focus();
    await page.keyboard.press('Enter');
    await history.getByRole('status').filter({ hasText: 'Showing 55 of 55 bundles' }).waitFor();
    await expect(history.getByRole('row').count()).resolves.toBe(56);
    await expect(history.getByRole('row').last().textContent()).resolves.toContain('ben-00.fwbundle');
    await expect(more.count()).resolves.toBe(0);
    // The first bundle of the new page has the focus: the button it came from is gone.
    await expect(page.evaluate(() => document.activeElement?.textContent ?? '')).resolves.toContain('ben-04.fwbundle');
    expect(await lead.axeViolations()).toEqual([]);
  });
});
