/**
 * A case's facts and whether it is on the lead's case list read the same everywhere: the case
 * list and case screens (cases.list / cases.get), coverage, the evidence log and the case
 * sample CSV. The case list never leaves the lead's laptop, so an inspector who adds a case by
 * hand adds it without stage or age band; once the lead merges that inspector's bundle, the
 * lead's list supplies them and the case counts as on the list (store/case-facts.ts).
 */
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/domain/ids.js';
import { exportTo, importFile, joinAll, makeTeam, type Team } from '../../fixtures/bundles.js';
import { csvBytes, generatedCaseRows } from '../../support/case-lists.js';
import { tempDir } from '../../support/runtime.js';
import type { TestRuntime } from '../../support/runtime.js';
import { join } from 'node:path';

let team: Team | undefined;
afterEach(() => team?.dispose());

function csvRows(bytes: Uint8Array): string[][] {
  const text = Buffer.from(bytes)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
}

async function importList(rt: TestRuntime, inspectionId: string, n: number) {
  const upload = { inspectionId, fileName: 'children.csv', bytes: csvBytes(generatedCaseRows(n)) };
  const preview = await rt.call('cases.previewImport', upload);
  await rt.call('cases.commitImport', { ...upload, mapping: preview.mapping });
}

async function noteOn(rt: TestRuntime, inspectionId: string, caseId: string, text: string) {
  await rt.call('evidence.create', {
    inspectionId,
    id: newId(),
    fields: { text, source: 'case_record', agency: 'social_care', themes: [], polarity: 'strength', caseId },
  });
}

/** What every output and screen says about one case, on one laptop. */
async function everywhere(rt: TestRuntime, inspectionId: string, caseRef: string) {
  const listed = (await rt.call('cases.list', { inspectionId })).find((c) => c.caseRef === caseRef);
  if (!listed) throw new Error(`${caseRef} is not in the sample`);
  const one = await rt.call('cases.get', { id: listed.id });
  const log = csvRows((await rt.call('outputs.evidenceLog', { inspectionId })).bytes);
  const logHeader = log[0] as string[];
  const logRow = log.find((r) => r[logHeader.indexOf('Case reference')] === caseRef) as string[];
  const sample = csvRows((await rt.call('outputs.sampleSummary', { inspectionId })).bytes);
  const sampleHeader = sample[0] as string[];
  const sampleRow = sample.find((r) => r[0] === caseRef) as string[];
  const coverage = await rt.call('coverage.summary', { inspectionId });
  return {
    list: { stage: listed.stage, ageBand: listed.ageBand, onList: listed.onList, stratum: listed.stratum },
    screen: { stage: one.stage, ageBand: one.ageBand, onList: one.onList, stratum: one.stratum },
    evidenceLog: {
      stage: logRow[logHeader.indexOf('Case stage')],
      onList: logRow[logHeader.indexOf('Case on the list')],
    },
    sampleCsv: {
      stage: sampleRow[sampleHeader.indexOf('Stage')],
      ageBand: sampleRow[sampleHeader.indexOf('Age band')],
      stratum: sampleRow[sampleHeader.indexOf('Stratum')],
    },
    coverageStages: coverage.casesByStage.map((s) => s.stage),
  };
}

describe('case status consistent everywhere', () => {
  it('a case an inspector adds by hand that is on the lead’s list is on the list, with the list’s facts, in every output once merged', async () => {
    team = await makeTeam(1);
    const folder = tempDir('fieldwork-case-facts-');
    await joinAll(team, folder);
    const { lead, inspectionId } = team;
    const inspector = team.inspectors[0]!;
    await importList(lead, inspectionId, 10);
    // C00003 is "Looked after" on the lead's list; C00002 is "CP". The inspector has no list.
    const onList = await inspector.call('cases.add', { inspectionId, caseRef: 'C00003', reason: 'Raised by the MASH' });
    const offList = await inspector.call('cases.add', { inspectionId, caseRef: 'X-99', reason: 'Found in a strategy meeting' });
    // The inspector's laptop cannot tell either way, and says so rather than "not on the list".
    expect(onList).toMatchObject({ stage: null, onList: null, stratum: 'Added by hand' });
    await noteOn(inspector, inspectionId, onList.id, 'Plan reviewed on time.');
    await noteOn(inspector, inspectionId, offList.id, 'Strategy meeting minutes seen.');
    const before = await everywhere(inspector, inspectionId, 'C00003');
    expect(before.screen).toEqual(before.list);
    expect(before.evidenceLog).toEqual({ stage: 'Not recorded', onList: 'Not known here (no case list on this laptop)' });
    expect(before.sampleCsv.stratum).toBe('Added by hand');

    const bundle = join(folder, 'inspector.fwbundle');
    await exportTo(inspector.ctx, inspectionId, bundle);
    await importFile(lead.ctx, bundle);
    // The lead also adds one by hand from the list: the same rule.
    await lead.call('cases.add', { inspectionId, caseRef: 'c00002', reason: 'Named in a complaint' });
    await noteOn(lead, inspectionId, (await lead.call('cases.list', { inspectionId }))[0]!.id, 'Seen.');

    const merged = await everywhere(lead, inspectionId, 'C00003');
    expect(merged.list).toEqual({
      stage: 'looked_after',
      ageBand: merged.list.ageBand,
      onList: true,
      stratum: 'Added by hand from the list',
    });
    expect(merged.list.ageBand).not.toBeNull();
    expect(merged.screen).toEqual(merged.list);
    expect(merged.evidenceLog).toEqual({ stage: 'Looked after', onList: 'Yes' });
    expect(merged.sampleCsv).toEqual({
      stage: 'Looked after',
      ageBand: merged.list.ageBand,
      stratum: 'Added by hand from the list',
    });
    expect(merged.coverageStages).toContain('looked_after');
    expect(JSON.stringify(merged)).not.toContain('not on the list');
    expect(JSON.stringify(merged)).not.toContain('Not recorded');

    const off = await everywhere(lead, inspectionId, 'X-99');
    expect(off.list).toEqual({ stage: null, ageBand: null, onList: false, stratum: 'Added by hand (not on the list)' });
    expect(off.screen).toEqual(off.list);
    expect(off.evidenceLog).toEqual({ stage: 'Not recorded', onList: 'No' });
    expect(off.sampleCsv).toEqual({ stage: 'Not recorded', ageBand: 'Not recorded', stratum: 'Added by hand (not on the list)' });

    const leadAdded = await everywhere(lead, inspectionId, 'C00002');
    expect(leadAdded.list).toMatchObject({ stage: 'child_protection', onList: true, stratum: 'Added by hand from the list' });
    expect(leadAdded.sampleCsv.stratum).toBe('Added by hand from the list');

    // Back on the inspector's laptop after the lead publishes: the lead's own hand-add says
    // "from the list" (it travelled with the case); the inspector's own still cannot be told here.
    const publish = join(folder, 'lead.fwbundle');
    await exportTo(lead.ctx, inspectionId, publish);
    await importFile(inspector.ctx, publish);
    const there = await everywhere(inspector, inspectionId, 'C00002');
    expect(there.list).toMatchObject({ stage: 'child_protection', onList: true, stratum: 'Added by hand from the list' });
    expect(there.evidenceLog).toEqual({ stage: 'Child protection', onList: 'Yes' });
  }, 60_000);
});
