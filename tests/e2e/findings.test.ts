import { afterEach, describe, expect, it } from 'vitest';
import { findingEvidenceId, newId, sampledCaseId } from '../../shared/domain/ids.js';
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

describe('findings in the browser', () => {
  it('drafts a finding, links evidence by search-and-pick, shows triangulation, moves it to agreed, and stores it', async () => {
    app = await launchApp();
    const { page, runtime } = app;
    const { id: inspectionId } = await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted'] },
      leadName: 'Asha Patel',
    });
    const [a, b] = ['NS-1', 'NS-2'].map((ref) => {
      const id = sampledCaseId(inspectionId, ref);
      inTransaction(runtime.ctx, () =>
        writeEdits(runtime.ctx, inspectionId, [{ table: 'sampled_case', row: id, field: 'case_ref', value: ref }]),
      );
      return id;
    });
    const note = async (text: string, caseId: string | undefined, source: 'case_record' | 'manager') =>
      (
        await runtime.call('evidence.create', {
          inspectionId,
          id: newId(),
          fields: { text, source, agency: 'police', themes: ['Risk assessment'], polarity: 'weakness', caseId: caseId ?? null },
        })
      ).id;
    const n1 = await note('Strategy discussion delayed by four days.', a, 'case_record');
    const n2 = await note('Manager said strategy discussions wait for police availability.', b, 'manager');
    await note('Unrelated note about school attendance.', a, 'case_record');

    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Findings', exact: true }).click();
    await page.getByRole('heading', { name: 'Findings', level: 1 }).waitFor();
    expect(await app.axeViolations()).toEqual([]);

    await page.getByRole('button', { name: 'New finding' }).click();
    await page.getByLabel('Kind').selectOption('improvement');
    await page.getByLabel('Statement').fill('Strategy discussions are not held quickly enough when police are involved.');
    await page.getByRole('button', { name: 'Save finding' }).click();
    await page.getByText('Choose at least one agency, or the partnership').waitFor();
    await page.getByLabel('Police').check();
    await page.getByLabel("Children's social care").check();
    await page.getByRole('combobox', { name: 'Theme' }).fill('Risk assessment');
    await page.keyboard.press('Tab'); // leaves the theme combobox, closing its suggestions
    expect(await page.getByRole('combobox', { name: 'Theme' }).inputValue()).toBe('Risk assessment');
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('findings-new');
    await page.getByRole('button', { name: 'Save finding' }).click();

    const panel = page.locator('.finding-panel');
    await panel.getByRole('heading', { name: /Triangulation/ }).waitFor();
    await panel.getByText('Thinly evidenced').waitFor();

    const picker = panel.getByRole('searchbox', { name: 'Find evidence notes to link' });
    await picker.fill('strat');
    const results = panel.getByRole('list', { name: 'Notes you can link' });
    await expect.poll(() => results.locator('mark').count()).toBe(2);
    expect(await results.locator('mark').allTextContents()).toEqual(['Strategy', 'strategy']);
    await results.getByRole('listitem').filter({ hasText: 'four days' }).getByRole('button', { name: 'Link this note' }).click();
    await panel.getByRole('heading', { name: 'Supporting evidence (1)' }).waitFor();
    await panel.getByText('Only one case supports it.').waitFor();
    await results
      .getByRole('listitem')
      .filter({ hasText: 'police availability' })
      .getByRole('button', { name: 'Link this note' })
      .click();
    await panel.getByRole('heading', { name: 'Supporting evidence (2)' }).waitFor();
    await panel.getByText('Well supported').waitFor();
    await panel.getByRole('button', { name: 'Propose' }).click();
    await panel.getByRole('button', { name: 'Mark agreed' }).click();
    await panel.getByLabel('Reason for the change').fill('Agreed at the team meeting');
    await panel.getByRole('button', { name: 'Make agreed' }).click();
    await panel.getByText('Agreed', { exact: true }).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('findings-agreed');

    // Unlink one from the agreed finding: the lead gives a reason first; the link row is kept as
    // deleted, and the finding is thin again.
    await panel.getByLabel('Reason for taking evidence away from this agreed finding').fill('Note was about another child');
    await panel
      .getByRole('list', { name: 'Linked notes' })
      .getByRole('listitem')
      .filter({ hasText: 'four days' })
      .getByRole('button', { name: 'Unlink note' })
      .click();
    await panel.getByRole('heading', { name: 'Supporting evidence (1)' }).waitFor();
    await page.locator('.findings-list').getByText('Thinly evidenced').waitFor();

    const db = readStoreFile(runtime.storePath, runtime.ctx.device);
    try {
      const finding = db.prepare('SELECT id, kind, statement, agencies, theme, status FROM finding').get() as Record<
        string,
        string
      >;
      expect(finding).toMatchObject({ kind: 'improvement', theme: 'Risk assessment', status: 'agreed' });
      expect(JSON.parse(finding.agencies ?? '[]')).toEqual(['police', 'social_care']);
      const links = db.prepare('SELECT id, note_id, deleted FROM finding_evidence ORDER BY note_id').all();
      expect(links).toEqual(
        [
          { id: findingEvidenceId(finding.id as string, n1), note_id: n1, deleted: 1 },
          { id: findingEvidenceId(finding.id as string, n2), note_id: n2, deleted: 0 },
        ].sort((x, y) => x.note_id.localeCompare(y.note_id)),
      );
      const statuses = db.prepare("SELECT value FROM op WHERE tbl = 'finding' AND field = 'status' ORDER BY hlc").all();
      expect(statuses).toEqual([{ value: '"draft"' }, { value: '"proposed"' }, { value: '"agreed"' }]);
    } finally {
      db.close();
    }
  });
});
