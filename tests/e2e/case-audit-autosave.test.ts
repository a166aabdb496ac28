/**
 * The case audit's autosave in Chromium (renderer/state/autosave.ts, the one the note composer
 * uses too): text typed moments before a reload is in the store and back in the field after
 * it; a save the authority model refuses shows the service's sentence and the text stays.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sampledCaseId } from '../../shared/domain/ids.js';
import { inTransaction } from '../../main/services/context.js';
import { writeEdits } from '../../main/sync/local-write.js';
import { join } from 'node:path';
import { exportBundleToFile } from '../../main/sync/export-bundle.js';
import { importBundleFile } from '../../main/services/bundles.js';
import { setUpTeam } from '../support/exchange.js';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection, tempDir, testRuntime, type TestRuntime } from '../support/runtime.js';

let app: BrowserApp | undefined;
let lead: TestRuntime | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  lead?.dispose();
  lead = undefined;
});

function storedPrompts(a: BrowserApp, caseId: string): Record<string, string> {
  const db = new Database(a.runtime.storePath, { readonly: true });
  try {
    const row = db.prepare('SELECT prompts FROM sampled_case WHERE id = ?').get(caseId) as { prompts: string | null };
    return JSON.parse(row.prompts ?? '{}') as Record<string, string>;
  } finally {
    db.close();
  }
}

async function openCase(page: Page, caseRef: string): Promise<void> {
  await page.getByRole('button', { name: 'Cases' }).click();
  await page.getByRole('button', { name: caseRef, exact: true }).click();
  await page.getByRole('heading', { name: `Case ${caseRef}`, level: 1 }).waitFor();
}

const VOICE = "The child's voice and lived experience";

describe('the case audit saves itself', () => {
  it('text typed just before a reload is in the store and back in the field after it', async () => {
    app = await launchApp();
    const { page } = app;
    const inspection = await app.runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted'] },
      leadName: 'Asha Patel',
    });
    const caseId = sampledCaseId(inspection.id, 'NS-2001');
    inTransaction(app.runtime.ctx, () =>
      writeEdits(app!.runtime.ctx, inspection.id, [{ table: 'sampled_case', row: caseId, field: 'case_ref', value: 'NS-2001' }]),
    );
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await openCase(page, 'NS-2001');
    await page.getByLabel(VOICE).click();
    await page.keyboard.type('Seen alone twice; wishes recorded in her words.');
    // Reload at once: well inside the 600 ms the autosave waits for, so nothing was sent yet.
    expect(storedPrompts(app, caseId)).toEqual({});
    await page.reload();
    await expect
      .poll(() => storedPrompts(app as BrowserApp, caseId))
      .toEqual({ voice: 'Seen alone twice; wishes recorded in her words.' });
    // The route is in the URL, so the reload comes back to this case's page.
    await page.getByRole('heading', { name: 'Case NS-2001', level: 1 }).waitFor();
    expect(await page.getByLabel(VOICE).inputValue()).toBe('Seen alone twice; wishes recorded in her words.');
    // Typing on saves again, and says so.
    await page.getByLabel(VOICE).press('End');
    await page.keyboard.type(' Reviewed.');
    const status = page.getByRole('status').filter({ hasText: /Saved|Not saved|Saving/ });
    await expect.poll(() => status.textContent()).toMatch(/^Saved at \d\d:\d\d$/);
    expect(storedPrompts(app, caseId)).toEqual({ voice: 'Seen alone twice; wishes recorded in her words. Reviewed.' });
    expect(await status.getAttribute('aria-live')).toBe('polite');
  });

  it('a save the team no longer allows shows the service’s sentence, and the text stays in the field', async () => {
    app = await launchApp();
    lead = await testRuntime();
    const { page } = app;
    const team = await setUpTeam(lead, app.runtime);
    // The lead takes Ben (this laptop) off the team; this laptop hears of it.
    const ben = (await lead.call('team.list', { inspectionId: team.inspectionId })).find((m) => m.name === 'Ben Okafor');
    await lead.call('team.remove', { id: ben!.id });
    // Encrypted to the team, the news would no longer open on Ben's laptop: a USB hand-off.
    const handOff = join(tempDir('fieldwork-e2e-removed-'), 'removed.fwbundle');
    const passphrase = 'a long hand-off passphrase';
    await exportBundleToFile(
      lead.ctx,
      { inspectionId: team.inspectionId, mode: 'full', recipients: { kind: 'passphrase', passphrase }, scryptLogN: 10 },
      handOff,
    );
    await importBundleFile(app.runtime.ctx, handOff, { fileName: 'removed.fwbundle', passphrase });
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await openCase(page, 'NS-0142');
    await page.getByLabel(VOICE).click();
    await page.keyboard.type('Plans drift after the conference.');
    const status = page.getByRole('status').filter({ hasText: /Saved|Not saved|Saving/ });
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/^Not saved — /);
    const shown = (await status.textContent()) ?? '';
    expect(shown).toMatch(/^Not saved — This laptop is not on the inspection’s team, so it cannot change it; /);
    expect(shown).not.toMatch(/retrying/);
    expect(shown).toMatch(/your text is still here\./);
    expect(await page.getByLabel(VOICE).inputValue()).toBe('Plans drift after the conference.');
    expect(storedPrompts(app, team.caseId)).toEqual({});
    expect(await app.axeViolations()).toEqual([]);
  });
});
