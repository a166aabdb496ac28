/**
 * What the overview shows, in Chromium: every coverage bar labelled and the heat map reachable
 * by keyboard, charts in their own chunk; team progress per inspector and audit agreement
 * (area grade vs inspectors' grade), both as tables; a hand-added case not on the list flagged.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../main/services/context.js';
import { writeEdits } from '../../main/sync/local-write.js';
import { newId, sampledCaseId } from '../../shared/domain/ids.js';
import { STAGES } from '../../shared/domain/vocabulary.js';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { csvBytes, generatedCaseRows } from '../support/case-lists.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

type Grade = 'outstanding' | 'good' | 'requires_improvement' | 'inadequate';

describe('the overview in the browser', () => {
  it('labels every stage bar, scrolls the heat map by keyboard, and loads the charts on demand', async () => {
    const assets = resolve('dist/renderer/assets');
    const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(1);
    const entry = scripts.find((f) => f.startsWith('index-')) as string;
    expect(statSync(join(assets, entry)).size).toBeLessThan(900_000);

    app = await launchApp();
    const { page, runtime } = app;
    const { id: inspectionId } = await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted'] },
      leadName: 'Asha Patel',
    });
    const stages = Object.keys(STAGES);
    stages.forEach((stage, i) => {
      const id = sampledCaseId(inspectionId, `S-${i}`);
      inTransaction(runtime.ctx, () =>
        writeEdits(runtime.ctx, inspectionId, [
          { table: 'sampled_case', row: id, field: 'case_ref', value: `S-${i}` },
          { table: 'sampled_case', row: id, field: 'stage', value: stage },
          { table: 'sampled_case', row: id, field: 'status', value: 'not_started' },
        ]),
      );
    });
    const agencies = [
      'social_care',
      'police',
      'health',
      'education',
      'youth_justice',
      'probation',
      'early_help',
      'partnership',
    ] as const;
    for (const agency of agencies) {
      await runtime.call('evidence.create', {
        inspectionId,
        id: newId(),
        fields: { text: 'n', source: 'case_record', agency, themes: ['Risk assessment'], polarity: 'weakness', caseId: null },
      });
    }
    await runtime.call('findings.create', {
      inspectionId,
      fields: { kind: 'strength', statement: 's', agencies: ['partnership'], theme: null },
    });
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Coverage', exact: true }).click();
    await page.getByRole('heading', { name: 'Coverage', level: 1 }).waitFor();
    // Every stage has its name beside its bar (upright bars dropped three of seven).
    const chart = page.getByRole('region', { name: 'Sampled cases by stage and status' }).locator('.coverage-chart svg');
    for (const label of Object.values(STAGES)) await chart.getByText(label, { exact: true }).waitFor();
    const findingChart = page.getByRole('region', { name: 'Findings by kind and agency' }).locator('.coverage-chart svg');
    await findingChart.getByText(/Safeguarding/).waitFor();
    const heat = page.getByRole('region', { name: /Evidence notes by theme and agency \(scrolls sideways\)/ });
    await heat.focus();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowRight');
    expect(await heat.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('coverage-labelled');
  });

  it('shows progress per inspector and audit agreement as tables, and flags a hand-added case not on the list', async () => {
    app = await launchApp();
    const { page, runtime } = app;
    const { id: inspectionId } = await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted'] },
      leadName: 'Asha Patel',
    });
    const ben = await runtime.call('team.add', {
      inspectionId,
      fields: { name: 'Ben Okafor', inspectorate: 'ofsted', role: 'inspector', specialism: 'health' },
    });
    const team = await runtime.call('team.list', { inspectionId });
    const asha = team.find((m) => m.isMe) as (typeof team)[number];
    const list = csvBytes(generatedCaseRows(6));
    const upload = { inspectionId, fileName: 'list.csv', bytes: list };
    const preview = await runtime.call('cases.previewImport', upload);
    await runtime.call('cases.commitImport', { ...upload, mapping: preview.mapping });
    // C00001 child in need, C00002 CP, C00003 looked after, C00004 early help.
    const grades: [string, string, Grade, Grade, string | null][] = [
      ['C00001', asha.id, 'good', 'good', null],
      ['C00002', asha.id, 'good', 'requires_improvement', 'Risk not reassessed after the new partner moved in'],
      ['C00003', ben.id, 'requires_improvement', 'requires_improvement', null],
      ['C00004', ben.id, 'outstanding', 'good', 'The area did not see the drift in the plan'],
    ];
    for (const [ref, member, area, inspectors, reason] of grades) {
      const added = await runtime.call('cases.add', { inspectionId, caseRef: ref, reason: 'Sampled' });
      await runtime.call('cases.allocate', { id: added.id, memberId: member });
      await runtime.call('cases.updateAudit', {
        id: added.id,
        fields: {
          status: ref === 'C00001' ? 'done' : 'in_progress',
          laAuditGrade: area,
          inspectorGrade: inspectors,
          auditAgreement: area === inspectors ? 'yes' : 'no',
          ...(reason ? { agreementReason: reason } : {}),
        },
      });
    }
    await runtime.call('evidence.create', {
      inspectionId,
      id: newId(),
      fields: { text: 'n', source: 'case_record', agency: 'police', themes: [], polarity: 'weakness', caseId: null },
    });
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();

    await page.getByRole('button', { name: 'Team progress' }).click();
    await page.getByRole('heading', { name: 'Team progress', level: 1 }).waitFor();
    const progress = page.getByRole('table', { name: /For each inspector/ });
    expect(
      await progress
        .getByRole('row', { name: /^Asha Patel/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['0', '1', '1', '2', '50% done', '1', '0']);
    expect(
      await progress
        .getByRole('row', { name: /^Ben Okafor/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['0', '2', '0', '2', '0% done', '0', '0']);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('team-progress');

    await page.getByRole('button', { name: 'Audit agreement' }).click();
    await page.getByRole('heading', { name: 'Audit agreement', level: 1 }).waitFor();
    await page.getByText('50% overall (2 of 4 cases)').waitFor();
    const rates = page.getByRole('table', { name: 'Agreement rate by stage' });
    expect(
      await rates
        .getByRole('row', { name: /^Child protection/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['1', '0', '0%']);
    expect(
      await rates
        .getByRole('row', { name: /^Looked after/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['1', '1', '100%']);
    const diffs = page.getByRole('table', { name: /grade differ/ });
    await diffs
      .getByRole('row', {
        name: /C00002 Child protection Good Requires improvement Area graded 1 step higher Risk not reassessed/,
      })
      .waitFor();
    await diffs
      .getByRole('row', { name: /C00004 Early help Outstanding Good Area graded 1 step higher The area did not see the drift/ })
      .waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('audit-agreement');

    // A hand-added case the list does not have is flagged, in the form and in the list.
    await page.getByRole('button', { name: 'Cases', exact: true }).click();
    await page.getByLabel('Case reference', { exact: true }).fill('C99999');
    await page.getByLabel('Reason for adding').fill('Named by the MASH manager');
    await page.getByRole('button', { name: 'Add case' }).click();
    await page.getByRole('alert').filter({ hasText: 'Case C99999 is not on the area’s case list (list.csv)' }).waitFor();
    await page.getByText('not on the list').first().waitFor();
    expect(await app.axeViolations()).toEqual([]);
  });
});
