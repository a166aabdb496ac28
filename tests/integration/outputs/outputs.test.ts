import Papa from 'papaparse';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../../main/services/context.js';
import { writeEdits } from '../../../main/sync/local-write.js';
import { newId, sampledCaseId } from '../../../shared/domain/ids.js';
import { renderDocx } from '../../support/letter-render.js';
import type { TestRuntime } from '../../support/runtime.js';
import { givenInspection } from '../../support/given.js';

let rt: TestRuntime;
let inspectionId: string;
const caseA = 'LCS-1001';

function parseCsv(bytes: Uint8Array): { bom: boolean; rows: string[][] } {
  const text = Buffer.from(bytes).toString('utf8');
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
  return { bom: text.startsWith('\uFEFF'), rows: parsed.data };
}

beforeAll(async () => {
  const given = await givenInspection({
    fields: { inspectorates: ['ofsted', 'cqc', 'hmicfrs'], reviewStart: '2026-05-01', reviewEnd: '2026-10-31' },
    dispose: 'manual',
  });
  rt = given.rt;
  inspectionId = given.inspectionId;
  const caseId = given.addCase(caseA, {
    stage: 'child_protection',
    status: 'done',
    sampling_method: 'random',
    inspector_grade: 'requires_improvement',
    la_audit_grade: 'good',
    audit_agreement: 'no',
    agreement_reason: 'Audit missed "drift" in the plan, and =SUM(A1) is not a formula',
  });
  const note = await rt.call('evidence.create', {
    inspectionId,
    id: newId(),
    fields: {
      text: 'Strategy discussion held promptly; police and health attended.',
      source: 'case_record',
      agency: 'police',
      themes: ['Strategy discussions'],
      polarity: 'strength',
      caseId,
    },
  });
  const strength = await rt.call('findings.create', {
    inspectionId,
    fields: {
      kind: 'strength',
      statement: 'Strategy discussions are timely and well attended by police and health.',
      agencies: ['police'],
      theme: null,
    },
  });
  await rt.call('findings.link', { findingId: strength.id, noteId: note.id });
  await rt.call('findings.setStatus', { id: strength.id, status: 'proposed', reason: 'Ready for the team meeting' });
  await rt.call('findings.setStatus', { id: strength.id, status: 'agreed', reason: 'Agreed at the team meeting' });
  const improvement = await rt.call('findings.create', {
    inspectionId,
    fields: {
      kind: 'improvement',
      statement: 'Plans for children lack specific, measurable actions.',
      agencies: ['social_care', 'health'],
      theme: null,
    },
  });
  await rt.call('findings.setStatus', { id: improvement.id, status: 'proposed', reason: 'Ready' });
  await rt.call('findings.setStatus', { id: improvement.id, status: 'agreed', reason: 'Agreed' });
  await rt.call('findings.create', {
    inspectionId,
    fields: {
      kind: 'improvement',
      statement: 'A draft that is not agreed stays out of the letter.',
      agencies: ['education'],
      theme: null,
    },
  });
  await rt.call('outputs.setSummary', { inspectionId, summary: 'Leaders across the partnership know their services well.' });
});
afterAll(() => rt.dispose());

describe('the lead’s outputs', () => {
  it('the draft letter holds the agreed findings grouped by agency and renders in LibreOffice', async () => {
    const letter = await rt.call('outputs.letter', { inspectionId });
    expect(letter.fileName).toMatch(/^northshire-county-council-\d{4}-\d{2}-\d{2}-draft-letter\.docx$/);
    expect(letter.count).toBe(2);
    const rendered = renderDocx(Buffer.from(letter.bytes), 'draft-letter', resolve('.test-output/letter'));
    const text = rendered.text.replace(/\s+/g, ' ');
    expect(text).toContain(
      'Joint targeted area inspection of the multi-agency response to children living with domestic abuse in Northshire County Council',
    );
    expect(text).toContain('Between 2 November 2026 and 13 November 2026');
    expect(text).toContain('Ofsted, the Care Quality Commission (CQC) and His Majesty’s Inspectorate of Constabulary');
    expect(text).toContain('1 May 2026 to 31 October 2026');
    expect(text).toContain('Leaders across the partnership know their services well.');
    expect(text).toContain('What needs to improve?');
    expect(text).toContain('Plans for children lack specific, measurable actions.');
    // A finding naming two agencies appears under each of them, not under "the partnership".
    expect(text).not.toContain('The partnership');
    expect(text.match(/Plans for children lack specific, measurable actions\./g)).toHaveLength(2);
    expect(text).toContain('Strengths');
    expect(text).toContain('Police');
    expect(text).toContain('Strategy discussions are timely and well attended by police and health.');
    expect(text).toContain('OFFICIAL-SENSITIVE');
    expect(text).not.toContain('A draft that is not agreed');
    expect(rendered.pages.length).toBeGreaterThan(0);
  }, 180_000);

  it('the evidence log is a CSV Excel opens correctly, one row per note with its linked findings', async () => {
    const log = await rt.call('outputs.evidenceLog', { inspectionId });
    const { bom, rows } = parseCsv(log.bytes);
    expect(bom).toBe(true);
    expect(rows[0]).toEqual([
      'Recorded at (UTC)',
      'Case reference',
      'Case stage',
      'Case on the list',
      'Source',
      'Agency',
      'Themes',
      'Polarity',
      'Author',
      'Note',
      'Linked findings',
    ]);
    expect(rows).toHaveLength(2);
    const [, row] = rows as [string[], string[]];
    expect(row.slice(1, 9)).toEqual([
      caseA,
      'Child protection',
      'Yes',
      'Case record',
      'Police',
      'Strategy discussions',
      'Strength',
      'Asha Patel',
    ]);
    expect(row[10]).toBe('Strategy discussions are timely and well attended by police and health.');
    expect(Buffer.from(log.bytes).toString('utf8')).toContain('\r\n');
  });

  it('the case sample summary carries strata, seed, status, inspector, evaluation and audit agreement, and neutralises formulas', async () => {
    const summary = await rt.call('outputs.sampleSummary', { inspectionId });
    const { rows } = parseCsv(summary.bytes);
    expect(rows[0]?.slice(0, 4)).toEqual(['Case reference', 'Stage', 'Age band', 'Stratum']);
    const row = rows[1] as string[];
    expect(row[0]).toBe(caseA);
    expect(row[1]).toBe('Child protection');
    expect(row[10]).toBe('Done');
    expect(row[12]).toBe('Requires improvement');
    expect(row[13]).toBe('Good');
    expect(row[14]).toBe('No');
    expect(row[15]).toBe('Audit missed "drift" in the plan, and =SUM(A1) is not a formula');
  });

  it('a cell that starts like a formula is prefixed so Excel shows it as text', async () => {
    await rt.call('evidence.create', {
      inspectionId,
      id: newId(),
      fields: {
        text: '=HYPERLINK("http://example.invalid","click")',
        source: 'document',
        agency: null,
        themes: [],
        polarity: 'neutral',
        caseId: null,
      },
    });
    const { rows } = parseCsv((await rt.call('outputs.evidenceLog', { inspectionId })).bytes);
    expect(rows.some((r) => r[9] === `'=HYPERLINK("http://example.invalid","click")`)).toBe(true);
  });

  it('no CSV carries a control or non-character: the evidence log, the case sample and the accuracy round', async () => {
    const dirty = 'Bell\u0007 form\u000C feed\uFFFE, C1\u0085 and\uFDD0 non-characters';
    const caseId = sampledCaseId(inspectionId, caseA);
    inTransaction(rt.ctx, () =>
      writeEdits(rt.ctx, inspectionId, [
        { table: 'evidence_note', row: newId(), field: 'text', value: `Note: ${dirty}` },
        { table: 'sampled_case', row: caseId, field: 'agreement_reason', value: `Reason: ${dirty}` },
      ]),
    );
    await rt.call('outputs.accuracyAdd', {
      inspectionId,
      passage: `Passage ${dirty}`,
      comment: `Comment ${dirty}`,
      raisedBy: 'The director',
    });
    const files = [
      await rt.call('outputs.evidenceLog', { inspectionId }),
      await rt.call('outputs.sampleSummary', { inspectionId }),
      await rt.call('outputs.accuracyLog', { inspectionId }),
    ];
    for (const file of files) {
      const text = Buffer.from(file.bytes).toString('utf8');
      expect(text, file.fileName).toContain('Bell form feed, C1 and non-characters');
      // eslint-disable-next-line no-control-regex
      expect(text, file.fileName).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF]/);
    }
  });

  it('the evidence log lists only live findings: a duplicate merged (withdrawn) into another is not shown', async () => {
    const [noteId] = (
      rt.ctx.db.prepare('SELECT id FROM evidence_note WHERE agency = ? LIMIT 1').all('police') as { id: string }[]
    ).map((r) => r.id);
    const duplicate = await rt.call('findings.create', {
      inspectionId,
      fields: { kind: 'strength', statement: 'Police attend strategy meetings (duplicate).', agencies: ['police'], theme: null },
    });
    await rt.call('findings.link', { findingId: duplicate.id, noteId: noteId as string });
    const kept = (
      rt.ctx.db.prepare("SELECT id FROM finding WHERE statement LIKE 'Strategy discussions are timely%'").get() as { id: string }
    ).id;
    await rt.call('moderation.merge', { targetId: kept, sourceIds: [duplicate.id], reason: 'Same finding' });
    const { rows } = parseCsv((await rt.call('outputs.evidenceLog', { inspectionId })).bytes);
    const row = rows.find((r) => r[9] === 'Strategy discussion held promptly; police and health attended.') as string[];
    expect(row[10]).toBe('Strategy discussions are timely and well attended by police and health.');
    expect(row[10]).not.toContain('duplicate');
  });
});
