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

async function openCase(a: BrowserApp, ref: string) {
  const inspection = await a.runtime.call('inspections.create', {
    fields: { ...sampleInspection, inspectorates: ['ofsted'] },
    leadName: 'Asha Patel',
  });
  const caseId = sampledCaseId(inspection.id, ref);
  inTransaction(a.runtime.ctx, () =>
    writeEdits(a.runtime.ctx, inspection.id, [
      { table: 'sampled_case', row: caseId, field: 'case_ref', value: ref },
      { table: 'sampled_case', row: caseId, field: 'stage', value: 'child_protection' },
      { table: 'sampled_case', row: caseId, field: 'sampling_method', value: 'manual' },
      { table: 'sampled_case', row: caseId, field: 'selection_reason', value: 'Known to police' },
      { table: 'sampled_case', row: caseId, field: 'status', value: 'in_progress' },
    ]),
  );
  await a.page.reload();
  await a.page.getByRole('button', { name: 'Northshire County Council' }).click();
  await a.page.getByRole('button', { name: 'Cases', exact: true }).click();
  await a.page.getByRole('button', { name: ref, exact: true }).click();
  await a.page.getByRole('heading', { name: `Case ${ref}` }).waitFor();
  return { inspectionId: inspection.id, caseId };
}

const escalationRows = (path: string, device: object) => {
  const db = readStoreFile(path, device);
  try {
    return db
      .prepare(
        'SELECT id, case_id, concern, identified_by, identified_at, lead_told_at, area_told_at, closed_at FROM escalation ORDER BY identified_at',
      )
      .all() as Record<string, string | null>[];
  } finally {
    db.close();
  }
};

describe('escalation in the browser', () => {
  it('flags a child at immediate risk from a case in one action, shows it on every screen until closed, and stores it', async () => {
    app = await launchApp();
    const { page } = app;
    const { caseId } = await openCase(app, 'NS-2001');
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('case-evidence');

    // One action, by keyboard: the escalation is saved before any detail is asked for.
    await page.getByRole('button', { name: 'Flag child at immediate risk' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Child at immediate risk: case NS-2001' });
    await dialog.waitFor();
    const saved = escalationRows(app.runtime.storePath, app.runtime.ctx.device);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ case_id: caseId, identified_by: app.runtime.ctx.device.author, lead_told_at: null });
    expect(saved[0]?.concern).toMatch(/not yet described/);

    await page.keyboard.type('Child left alone overnight; no safety plan.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // Lead inspector told
    await dialog.getByText(/Lead inspector told\d/).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('escalation-dialog');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const banner = page.getByRole('region', { name: 'A child is at immediate risk' });
    await banner.getByText('Child left alone overnight; no safety plan.').waitFor();
    for (const screen of ['Evidence notes', 'Findings', 'Search', 'Coverage']) {
      await page.getByRole('button', { name: screen, exact: true }).click();
      await banner.waitFor();
    }
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('escalation-banner');

    // The area is told from the banner's checklist; the time is recorded.
    await banner.getByLabel('Area told').click();
    await banner.getByText(/Area told\d/).waitFor();
    let rows = escalationRows(app.runtime.storePath, app.runtime.ctx.device);
    expect(rows[0]).toMatchObject({ concern: 'Child left alone overnight; no safety plan.', closed_at: null });
    expect(rows[0]?.lead_told_at).not.toBeNull();
    expect(rows[0]?.area_told_at).not.toBeNull();

    await banner.getByRole('button', { name: 'Open escalation for NS-2001' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Close escalation' }).click();
    await banner.waitFor({ state: 'detached' });
    rows = escalationRows(app.runtime.storePath, app.runtime.ctx.device);
    expect(rows[0]?.closed_at).not.toBeNull();
  });

  it('is never blocked: an escalation left without a description is still saved, and a note can be added for the case', async () => {
    app = await launchApp();
    const { page } = app;
    const { caseId } = await openCase(app, 'NS-2002');
    await page.getByRole('button', { name: 'Flag child at immediate risk' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page
      .getByRole('region', { name: 'A child is at immediate risk' })
      .getByText(/not yet described/)
      .waitFor();
    expect(escalationRows(app.runtime.storePath, app.runtime.ctx.device)).toHaveLength(1);

    await page.getByRole('button', { name: 'Add note for this case' }).click();
    const composer = page.getByRole('dialog', { name: 'New evidence note' });
    // The case is chosen once the composer's options have loaded, and the cursor is in the text.
    await expect.poll(() => composer.getByLabel('Case', { exact: true }).inputValue()).toBe(caseId);
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await page.keyboard.type('No record of the child being seen alone.');
    await composer.getByText(/^Saved at/).waitFor();
    await page.keyboard.press('Escape');
    await page
      .getByRole('region', { name: 'Evidence and escalation' })
      .getByText('No record of the child being seen alone.')
      .waitFor();
    await page.getByRole('region', { name: 'Evidence and escalation' }).scrollIntoViewIfNeeded();
    expect(await app.axeViolations()).toEqual([]);
    await page.screenshot({ path: '.test-output/screens/case-evidence-filled.png' });
    const db = readStoreFile(app.runtime.storePath, app.runtime.ctx.device);
    expect(db.prepare('SELECT case_id FROM evidence_note').all()).toEqual([{ case_id: caseId }]);
    db.close();
  });
});
