/**
 * The letter in the shape inspectorates publish (issue 17 defect 1), rendered the way a reader
 * sees it: LibreOffice to PDF, then text and PNG pages (in .test-output/letter). Each part's
 * text is checked in order, for a JTAI and an ILACS letter; no heading ends a page; a U+FFFE
 * and control characters in the lead's text never reach the file; the on-screen preview holds
 * the same parts in the same order; the internal evidence appendix lists the notes behind each
 * finding and the letter itself does not.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../../main/services/context.js';
import { writeEdits } from '../../../main/sync/local-write.js';
import { newId, sampledCaseId } from '../../../shared/domain/ids.js';
import type { Agency, FindingKind, InspectionType } from '../../../shared/domain/vocabulary.js';
import { letterText, type LetterModel } from '../../../shared/outputs/letter-model.js';
import { renderDocx } from '../../support/letter-render.js';
import { tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';

const OUT = resolve('.test-output/letter');
const runtimes: TestRuntime[] = [];
afterAll(() => runtimes.forEach((rt) => rt.dispose()));

const flat = (text: string) => text.replace(/\s+/g, ' ');

function expectInOrder(text: string, parts: readonly string[]): void {
  let at = 0;
  for (const part of parts) {
    const found = text.indexOf(flat(part), at);
    expect(found, `"${part}" missing or out of order (searched from ${at})`).toBeGreaterThanOrEqual(0);
    at = found + flat(part).length;
  }
}

async function inspectionWith(
  type: InspectionType,
  findings: { kind: FindingKind; statement: string; agencies: Agency[]; theme?: string }[],
) {
  // A fixed "today" so the letter's date and the default deadline are known.
  const rt = await testRuntime({ now: () => Date.parse('2026-12-02T10:00:00Z') });
  runtimes.push(rt);
  const jtai = type.startsWith('jtai');
  const { id: inspectionId } = await rt.call('inspections.create', {
    fields: {
      type,
      localAuthority: 'Northshire',
      theme: jtai ? 'Children living with domestic abuse' : 'Children in need of help and protection',
      fieldworkStart: '2026-11-02',
      fieldworkEnd: '2026-11-13',
      reviewStart: '2026-05-01',
      reviewEnd: '2026-10-31',
      inspectorates: jtai ? ['ofsted', 'cqc', 'hmicfrs'] : ['ofsted'],
    },
    leadName: 'Asha Patel',
  });
  // The sample: three children, one removed; one whose area audit the inspectors evaluated.
  const cases = ['LCS-1', 'LCS-2', 'LCS-3'];
  inTransaction(rt.ctx, () =>
    writeEdits(
      rt.ctx,
      inspectionId,
      cases.flatMap((ref, i) => {
        const row = sampledCaseId(inspectionId, ref);
        return [
          { table: 'sampled_case' as const, row, field: 'case_ref', value: ref },
          { table: 'sampled_case' as const, row, field: 'removed', value: i === 2 },
          ...(i === 0 ? [{ table: 'sampled_case' as const, row, field: 'la_audit_grade', value: 'good' }] : []),
        ];
      }),
    ),
  );
  const note = await rt.call('evidence.create', {
    inspectionId,
    id: newId(),
    fields: {
      text: 'Case LCS-1: the strategy discussion was held within a day; police and health attended.',
      source: 'case_record',
      agency: 'police',
      themes: [],
      polarity: 'strength',
      caseId: sampledCaseId(inspectionId, 'LCS-1'),
    },
  });
  for (const f of findings) {
    const created = await rt.call('findings.create', {
      inspectionId,
      fields: { kind: f.kind, statement: f.statement, agencies: f.agencies, theme: f.theme ?? null },
    });
    if (f.kind === 'strength') await rt.call('findings.link', { findingId: created.id, noteId: note.id });
    await rt.call('findings.setStatus', { id: created.id, status: 'proposed', reason: 'Ready' });
    await rt.call('findings.setStatus', { id: created.id, status: 'agreed', reason: 'Agreed' });
  }
  await rt.call('outputs.setSummary', {
    inspectionId,
    summary: 'Leaders across the area know their services well.\uFFFE\u0007\n\nChildren are seen and heard.',
  });
  return { rt, inspectionId };
}

async function render(rt: TestRuntime, inspectionId: string, name: string, variant: 'letter' | 'evidence-appendix' = 'letter') {
  const file = await rt.call('outputs.letter', { inspectionId, variant });
  const bytes = Buffer.from(file.bytes);
  // The document's XML carries no non-character and no control character.
  const work = tempDir('fieldwork-letter-xml-');
  writeFileSync(join(work, 'letter.docx'), bytes);
  const xml = execFileSync('unzip', ['-p', join(work, 'letter.docx'), 'word/document.xml'], { encoding: 'utf8' });
  // eslint-disable-next-line no-control-regex
  expect(xml).not.toMatch(/[\uFFFE\uFFFF\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  mkdirSync(OUT, { recursive: true });
  const rendered = renderDocx(bytes, name, OUT);
  return { ...rendered, xml, flatText: flat(rendered.text), file };
}

/** The last line of text on each page (pdftotext separates pages with a form feed). */
function pageEnds(text: string): string[] {
  return text
    .split('\f')
    .map((page) =>
      page
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !/^OFFICIAL-SENSITIVE|^Page \d+$/.test(l)),
    )
    .filter((lines) => lines.length > 0)
    .map((lines) => lines[lines.length - 1] as string);
}

const JTAI_FINDINGS = [
  {
    kind: 'priority_action' as const,
    statement: 'Health partners must ensure that every child is seen by a health visitor.',
    agencies: ['health' as const],
  },
  {
    kind: 'improvement' as const,
    statement: 'Plans for children lack specific, measurable actions.',
    agencies: ['social_care' as const, 'health' as const],
  },
  {
    kind: 'improvement' as const,
    statement: 'The partnership’s quality assurance framework is not robust.',
    agencies: ['partnership' as const],
  },
  {
    kind: 'strength' as const,
    statement: 'Strategy discussions are timely and well attended by police.',
    agencies: ['police' as const],
  },
];

describe('the letter in the published shape', () => {
  it('a JTAI letter: addressed jointly, dated, introduced from the sample, findings under the agencies they name, next steps, sign-off', async () => {
    const { rt, inspectionId } = await inspectionWith('jtai_thematic', JTAI_FINDINGS);
    await rt.call('outputs.setLetterDetails', {
      inspectionId,
      addressees: [
        { role: 'dcs', name: 'Jo Bloggs' },
        { role: 'chief_executive', name: 'Sam Khan' },
        { role: 'health', name: 'Dr Lee Wong' },
        { role: 'police', name: 'Chief Constable Ray Ali' },
      ],
      actionDeadline: '2027-03-19',
    });
    const { text, flatText, pages, xml } = await render(rt, inspectionId, 'jtai-letter');
    expectInOrder(flatText, [
      'Jo Bloggs, Director of children’s services, Northshire',
      'Sam Khan, Chief executive of the council, Northshire',
      'Dr Lee Wong, Health leader (integrated care board)',
      'Chief Constable Ray Ali, Police leader (chief constable)',
      '2 December 2026',
      'Joint targeted area inspection of the multi-agency response to children living with domestic abuse in Northshire',
      'Between 2 November 2026 and 13 November 2026, Ofsted, the Care Quality Commission (CQC) and His Majesty’s Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS) carried out a joint inspection',
      'Inspectors looked at practice from 1 May 2026 to 31 October 2026.',
      'Inspectors evaluated the experiences of 2 children',
      'evaluated the agencies’ own audits of 1 child’s experiences',
      'Headline findings',
      'Leaders across the area know their services well.',
      'Children are seen and heard.',
      'Areas for priority action',
      'Health',
      'Health partners must ensure that every child is seen by a health visitor.',
      'What needs to improve?',
      'The partnership',
      'The partnership’s quality assurance framework is not robust.',
      "Children's social care",
      'Plans for children lack specific, measurable actions.',
      'Health',
      'Plans for children lack specific, measurable actions.',
      'Strengths',
      'Police',
      'Strategy discussions are timely and well attended by police.',
      'Next steps',
      'written statement of proposed action',
      'by 19 March 2027',
      'Yours sincerely',
      'Asha Patel',
      'Lead inspector, Ofsted',
      'On behalf of Ofsted, Care Quality Commission (CQC) and His Majesty’s Inspectorate',
      'Letter version',
    ]);
    // A finding for two agencies is under each; nothing lands under the partnership unless it names it.
    expect(flatText.match(/Plans for children lack specific, measurable actions\./g)).toHaveLength(2);
    expect(flatText.match(/quality assurance framework/g)).toHaveLength(1);
    // The letter does not carry the notes behind the findings.
    expect(flatText).not.toContain('strategy discussion was held within a day');
    // Headings keep with the next paragraph, so none ends a page.
    expect(xml).toContain('<w:keepNext/>');
    const headings = [
      'Headline findings',
      'Areas for priority action',
      'What needs to improve?',
      'Strengths',
      'Next steps',
      'The partnership',
      'Health',
      'Police',
      "Children's social care",
    ];
    for (const end of pageEnds(text)) expect(headings, `a page ends with the heading "${end}"`).not.toContain(end);
    expect(pages.length).toBeGreaterThan(0);

    // The preview on screen holds the same parts, in the same order, as the document.
    const preview = await rt.call('outputs.letterPreview', { inspectionId, variant: 'letter' });
    expectInOrder(flatText, letterText(preview as unknown as LetterModel));
    expect(flatText).toContain(`Letter version ${preview.version}`);
  }, 240_000);

  it('an ILACS letter: to the director, findings by judgement area, what needs to improve, the action plan', async () => {
    const { rt, inspectionId } = await inspectionWith('ilacs_standard', [
      {
        kind: 'strength',
        statement: 'Leaders have strengthened the front door.',
        agencies: ['social_care'],
        theme: 'The impact of leaders on social work practice',
      },
      {
        kind: 'strength',
        statement: 'Children in care live in stable homes.',
        agencies: ['social_care'],
        theme: 'The experiences and progress of children in care',
      },
      {
        kind: 'improvement',
        statement: 'Supervision does not always challenge drift.',
        agencies: ['social_care'],
        theme: 'The impact of leaders on social work practice',
      },
    ]);
    await rt.call('outputs.setLetterDetails', {
      inspectionId,
      addressees: [{ role: 'dcs', name: 'Jo Bloggs' }],
      actionDeadline: null,
    });
    const { flatText, text } = await render(rt, inspectionId, 'ilacs-letter');
    expectInOrder(flatText, [
      'Jo Bloggs, Director of children’s services, Northshire',
      '2 December 2026',
      'Inspection of Northshire local authority children’s services',
      'Ofsted inspected Northshire local authority children’s services from 2 November 2026 to 13 November 2026.',
      'Inspectors evaluated the experiences of 2 children',
      // An ILACS looks at the local authority's own audits, not "the agencies'".
      'evaluated the local authority’s own audits of 1 child’s experiences',
      'Headline findings',
      'Leaders across the area know their services well.',
      'Findings by judgement area',
      'The experiences and progress of children in care',
      'Children in care live in stable homes.',
      'The impact of leaders on social work practice',
      'Leaders have strengthened the front door.',
      'What needs to improve?',
      'Supervision does not always challenge drift.',
      'Next steps',
      'written action plan',
      'about 70 working days after publication: confirm',
      'Yours sincerely',
      'Asha Patel',
    ]);
    expect(flatText).not.toContain('Chief executive of the council');
    expect(flatText).not.toContain('Police leader');
    for (const end of pageEnds(text)) expect(['Headline findings', 'Next steps', 'What needs to improve?']).not.toContain(end);
  }, 240_000);

  it('a focused visit letter says "Dear", and the internal evidence appendix lists the notes behind each finding', async () => {
    const { rt, inspectionId } = await inspectionWith('focused_visit', JTAI_FINDINGS);
    await rt.call('outputs.setLetterDetails', {
      inspectionId,
      addressees: [{ role: 'dcs', name: 'Jo Bloggs' }],
      actionDeadline: null,
    });
    const letter = await render(rt, inspectionId, 'visit-letter');
    expectInOrder(letter.flatText, [
      'Jo Bloggs, Director of children’s services',
      'Dear Jo Bloggs',
      'Focused visit to Northshire local authority children’s services',
      'This letter summarises the findings of the focused visit to Northshire children’s services from 2 November 2026 to 13 November 2026.',
      'His Majesty’s Inspector for this visit was Asha Patel.',
      'Areas for priority action',
      'Health partners must ensure that every child is seen by a health visitor.',
      'What is going well',
      'Strategy discussions are timely and well attended by police.',
      'What needs to improve',
      'Plans for children lack specific, measurable actions.',
      'Next steps',
      'written statement of action',
    ]);
    // A visit's sections have no sub-heading that only repeats the section's.
    expect(letter.flatText).not.toMatch(/What is going well Strengths|What needs to improve Areas for improvement/);
    expect(letter.flatText).not.toContain('Priority action Health partners');
    const appendix = await render(rt, inspectionId, 'visit-appendix', 'evidence-appendix');
    expect(appendix.file.fileName).toMatch(/evidence-appendix-INTERNAL\.docx$/);
    expect(appendix.flatText).toContain('INTERNAL EVIDENCE APPENDIX');
    expectInOrder(appendix.flatText, [
      'Strategy discussions are timely and well attended by police.',
      'LCS-1 · Case record: Case LCS-1: the strategy discussion was held within a day',
    ]);
    expect(appendix.flatText).toContain('No notes are linked to this finding.');
  }, 240_000);
});
