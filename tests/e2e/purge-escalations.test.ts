/**
 * Purge lists open escalations and asks (issue 17 defect 5): an escalation still open is a child
 * at risk being followed up, so the purge dialog names it and the purge stays disabled until the
 * lead confirms it may be removed too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchApp, type BrowserApp } from '../support/browser.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe.skipIf(!chromiumAvailable)('purging an inspection with open escalations', () => {
  it('lists each open escalation and purges only after the lead ticks that they may go too', async () => {
    app = await launchApp();
    const { page } = app;
    await page.getByLabel('Your name').fill('Asha Patel');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('heading', { name: 'Welcome to Fieldwork' }).waitFor({ state: 'detached' });
    const inspection = await app.runtime.call('inspections.create', {
      fields: {
        type: 'focused_visit',
        localAuthority: 'Purgeton',
        fieldworkStart: '2026-10-01',
        fieldworkEnd: '2026-10-02',
        inspectorates: ['ofsted'],
      },
      leadName: 'Asha Patel',
    });
    await app.runtime.call('escalations.raise', {
      inspectionId: inspection.id,
      caseId: null,
      concern: 'Baby seen with unexplained bruising; no strategy discussion held.',
    });
    await page.reload();
    await page.getByRole('button', { name: 'Purgeton' }).click();
    await page.getByRole('button', { name: 'Purge inspection…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('1 escalation is still open').waitFor();
    await dialog.getByText('Baby seen with unexplained bruising; no strategy discussion held.').waitFor();
    await dialog.getByLabel('Type “Purgeton” to confirm').fill('Purgeton');
    const confirm = dialog.getByRole('button', { name: 'Purge permanently' });
    expect(await confirm.isDisabled()).toBe(true);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('purge-open-escalations');
    await dialog.getByLabel(/I have checked these escalations are closed or handed over elsewhere/).check();
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();
    await page.getByText('No inspections on this laptop yet.').waitFor();
  }, 120_000);
});
