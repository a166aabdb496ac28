import { afterEach, describe, expect, it } from 'vitest';
import { newId, sampledCaseId } from '../../shared/domain/ids.js';
import { inTransaction } from '../../main/services/context.js';
import { writeEdits } from '../../main/sync/local-write.js';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('coverage in the browser', () => {
  it('shows the sample, evidence heat map, findings and thin themes, each with a table', async () => {
    app = await launchApp();
    const { page, runtime } = app;
    const { id: inspectionId } = await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted'] },
      leadName: 'Asha Patel',
    });
    const cases = (
      [
        ['A', 'child_protection', 'done'],
        ['B', 'child_protection', 'in_progress'],
        ['C', 'looked_after', 'not_started'],
      ] as const
    ).map(([ref, stage, status]) => {
      const id = sampledCaseId(inspectionId, ref);
      inTransaction(runtime.ctx, () =>
        writeEdits(runtime.ctx, inspectionId, [
          { table: 'sampled_case', row: id, field: 'case_ref', value: ref },
          { table: 'sampled_case', row: id, field: 'stage', value: stage },
          { table: 'sampled_case', row: id, field: 'status', value: status },
        ]),
      );
      return id;
    });
    const note = (caseId: string, source: 'case_record' | 'manager', agency: 'police' | 'health', themes: string[]) =>
      runtime.call('evidence.create', {
        inspectionId,
        id: newId(),
        fields: { text: 'n', source, agency, themes, polarity: 'weakness', caseId },
      });
    await note(cases[0] as string, 'case_record', 'police', ['Risk assessment']);
    await note(cases[1] as string, 'manager', 'police', ['Risk assessment']);
    await note(cases[1] as string, 'manager', 'health', ['Risk assessment', 'Management oversight']);
    await runtime.call('findings.create', {
      inspectionId,
      fields: { kind: 'strength', statement: 's', agencies: ['police', 'health'], theme: null },
    });

    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Coverage', exact: true }).click();
    await page.getByRole('heading', { name: 'Coverage', level: 1 }).waitFor();
    await page.getByRole('img', { name: /3 sampled cases, 1 done/ }).waitFor();

    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('coverage');

    const heat = page.getByRole('table', { name: /evidence notes for each theme and agency/ });
    const riskRow = heat.getByRole('row', { name: /Risk assessment/ });
    expect(await riskRow.getByRole('cell').allTextContents()).toEqual(['1', '2']); // health, police
    const gaps = page.getByRole('region', { name: 'Themes with no or thin evidence' });
    await gaps.getByRole('row', { name: /Children living with domestic abuse None/ }).waitFor();
    await gaps.getByRole('row', { name: /Management oversight Thin/ }).waitFor();
    expect(await gaps.getByRole('row', { name: /^Risk assessment/ }).count()).toBe(0);

    const cases_ = page.getByRole('region', { name: 'Sampled cases by stage and status' });
    await cases_.getByText('Show as a table').click();
    expect(
      await cases_
        .getByRole('row', { name: /Child protection/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['0', '1', '1']);
    const findings = page.getByRole('region', { name: 'Findings by kind and agency' });
    await findings.getByText('Show as a table').click();
    expect(
      await findings
        .getByRole('row', { name: /^Police/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['1', '0', '0']);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('coverage-tables');
  });
});
