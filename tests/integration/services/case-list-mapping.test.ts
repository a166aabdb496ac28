/**
 * The mapping is proposed, never imposed; title rows above the header; .xlsx workbooks.
 * Through the real commands (`cases.previewImport`, `cases.commitImport`) on a real store.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectHeaderRow, headerScore, suggestMapping } from '../../../shared/case-list/fields.js';
import { csvBytes, generatedCaseRows, titledCaseRows, workbookBytes } from '../../support/case-lists.js';
import { sampleInspection, type TestRuntime } from '../../support/runtime.js';
import { givenInspection } from '../../support/given.js';

async function setUp() {
  const { rt, inspectionId } = await givenInspection({ fields: { inspectorates: [...sampleInspection.inspectorates] } });
  return { rt, inspectionId };
}

const upload = (inspectionId: string, bytes: Buffer, fileName = 'children.csv') => ({
  inspectionId,
  fileName,
  bytes: bytes,
});

function storedRows(rt: TestRuntime) {
  const db = new Database(rt.storePath, { readonly: true });
  try {
    return db.prepare('SELECT case_ref, age_band, stage, agencies FROM case_list_row ORDER BY case_ref').all() as {
      case_ref: string;
      age_band: string | null;
      stage: string | null;
      agencies: string;
    }[];
  } finally {
    db.close();
  }
}

/** The raw cell value of a sheet's cell, read from the zip, to prove which date system was written. */
function sheetXml(bytes: Buffer): string {
  // Local file headers: find "xl/worksheets/sheet1.xml" and inflate its data.
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  for (
    let i = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    i >= 0;
    i = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]), i + 4)
  ) {
    const nameLength = bytes.readUInt16LE(i + 26);
    const extraLength = bytes.readUInt16LE(i + 28);
    if (!bytes.subarray(i + 30, i + 30 + nameLength).equals(name)) continue;
    const start = i + 30 + nameLength + extraLength;
    const method = bytes.readUInt16LE(i + 8);
    const next = bytes.indexOf(Buffer.from([0x50, 0x4b]), start);
    const body = bytes.subarray(start);
    return method === 0
      ? body.subarray(0, next - start).toString('utf8')
      : inflateRawSync(body, { finishFlush: 2 }).toString('utf8');
  }
  throw new Error('no sheet1.xml');
}

describe('header names and the header row', () => {
  it('knows the spellings areas use, from the synonyms table', () => {
    expect(suggestMapping(['CaseRef', 'DOB', 'Stage', 'Agencies']).caseRef).toBe('CaseRef');
    expect(suggestMapping(['Child ID', 'D.O.B.']).dateOfBirth).toBe('D.O.B.');
    expect(suggestMapping(['Child ID']).caseRef).toBe('Child ID');
    expect(suggestMapping(['LCS ID', 'Date Of Birth']).caseRef).toBe('LCS ID');
    expect(suggestMapping(['case_ref', 'dateofbirth']).dateOfBirth).toBe('dateofbirth');
  });

  it('scores the real header above a title line and data rows', () => {
    const rows = [
      ['Children known to social care – extract 01/11/2026'],
      ['Case Ref', 'DOB', 'Stage'],
      ['NS-1', '01/02/2015', 'CIN'],
    ];
    expect(headerScore(rows[1] as string[])).toBeGreaterThan(headerScore(rows[0] as string[]));
    expect(detectHeaderRow(rows)).toBe(1);
    expect(
      detectHeaderRow([
        ['a', 'b'],
        ['c', 'd'],
      ]),
    ).toBe(0);
  });

  it('a CSV with a title and a blank line above the header: header on line 3, cases from line 4', async () => {
    const { rt, inspectionId } = await setUp();
    const preview = await rt.call('cases.previewImport', upload(inspectionId, csvBytes(titledCaseRows(5))));
    expect(preview.headerLine).toBe(3);
    expect(preview.headers[0]).toBe('Case ref');
    expect(preview.valid).toBe(5);
    expect(preview.total).toBe(5);
    expect(preview.rows[0]?.line).toBe(4);
    expect(preview.headerCandidates.map((c) => c.line).slice(0, 3)).toEqual([1, 3, 4]);
    // The user can pick another row; the title as header finds no case reference.
    const forced = await rt.call('cases.previewImport', { ...upload(inspectionId, csvBytes(titledCaseRows(5))), headerLine: 1 });
    expect(forced.headerLine).toBe(1);
    expect(forced.blocker).toBe('Choose the column that holds the case reference.');
  });
});

describe('the mapping is proposed, never imposed', () => {
  it('a remembered mapping applies only to the very same headers; otherwise the header guess wins', async () => {
    const { rt, inspectionId } = await setUp();
    const first = [
      ['Case Ref', 'Date of Birth', 'Stage of journey', 'Agencies involved'],
      ['A-1', '01/02/2015', 'CIN', 'CSC'],
    ];
    const p1 = await rt.call('cases.previewImport', upload(inspectionId, csvBytes(first)));
    await rt.call('cases.commitImport', { ...upload(inspectionId, csvBytes(first)), mapping: p1.mapping });

    // Same headers again: the remembered mapping is offered.
    const again = await rt.call('cases.previewImport', upload(inspectionId, csvBytes(first)));
    expect(again.mappingSource).toBe('remembered');

    // The defect: one shared header ("Case Ref") made the old mapping win, leaving DOB, stage and agencies out.
    const second = [
      ['Case Ref', 'DOB', 'Stage', 'Agencies'],
      ...generatedCaseRows(60)
        .slice(1)
        .map((r) => [r[0] as string, r[1] as string, r[2] as string, r[4] as string]),
    ];
    const p2 = await rt.call('cases.previewImport', upload(inspectionId, csvBytes(second, { delimiter: ';' })));
    expect(p2.rememberedMapping).toBeNull();
    expect(p2.mappingSource).toBe('guessed');
    expect(p2.mapping).toMatchObject({ caseRef: 'Case Ref', dateOfBirth: 'DOB', stage: 'Stage', agencies: 'Agencies' });
    expect(p2.guessedFields).toEqual(expect.arrayContaining(['caseRef', 'dateOfBirth', 'stage', 'agencies']));
    expect(p2.unmappedFields).toEqual([]);
    expect(p2.valid).toBe(60);
  });

  it('says which fields the file has but the mapping leaves out', async () => {
    const { rt, inspectionId } = await setUp();
    const bytes = csvBytes(generatedCaseRows(4));
    const guessed = await rt.call('cases.previewImport', upload(inspectionId, bytes));
    const preview = await rt.call('cases.previewImport', {
      ...upload(inspectionId, bytes),
      mapping: { ...guessed.mapping, stage: null, dateOfBirth: null, agencies: null },
    });
    expect(preview.mappingSource).toBe('chosen');
    expect(preview.unmappedFields).toEqual([
      { field: 'dateOfBirth', header: 'DOB' },
      { field: 'stage', header: 'Stage' },
      { field: 'agencies', header: 'Agencies' },
    ]);
  });

  it('with no case reference column the counts still add up: every row waits to be checked', async () => {
    const { rt, inspectionId } = await setUp();
    const bytes = csvBytes([
      ['Number', 'Born'],
      ['1', '01/01/2015'],
      ['2', '01/01/2016'],
      ['3', '01/01/2017'],
    ]);
    const preview = await rt.call('cases.previewImport', upload(inspectionId, bytes));
    expect(preview.mapping.caseRef).toBeNull();
    expect(preview.total).toBe(3);
    expect(preview.valid + preview.problems.length + preview.repeats + preview.notChecked).toBe(3);
    expect(preview.notChecked).toBe(3);
  });
});

describe('Excel workbooks', () => {
  const header = ['CaseRef', 'DOB', 'Stage', 'Agencies'];

  it('reads the first sheet with a title row, merged cells and date cells, numbered by sheet row, and imports it', async () => {
    const { rt, inspectionId } = await setUp();
    const bytes = await workbookBytes([
      {
        name: 'Extract',
        rows: [
          ['Children known to social care – extract 01/11/2026'],
          [],
          header,
          ['W-1', new Date(Date.UTC(2015, 2, 2)), 'Child in need', 'CSC; Police'],
          ['W-2', new Date(Date.UTC(2012, 5, 9)), null, 'Health'],
          [null, null, null, null],
          ['W-3', '30/11/2012', 'Looked after', 'CSC'],
          ['W-4', 'not known', 'CP', 'CSC'],
        ],
        merges: ['A1:D1', 'C4:C5'],
        dateColumns: [2],
      },
      { name: 'Notes', rows: [['Nothing to import here']] },
    ]);
    const preview = await rt.call('cases.previewImport', upload(inspectionId, bytes, 'northshire.xlsx'));
    expect(preview.format).toBe('xlsx');
    expect(preview.sheets).toEqual(['Extract', 'Notes']);
    expect(preview.sheet).toBe('Extract');
    expect(preview.headerLine).toBe(3);
    expect(preview.rows.map((r) => [r.line, r.caseRef, r.ageBand, r.stage])).toEqual([
      [4, 'W-1', '10-15', 'child_in_need'],
      [5, 'W-2', '10-15', 'child_in_need'], // merged down from row 4
      [7, 'W-3', '10-15', 'looked_after'],
    ]);
    expect(preview.problems).toEqual([{ line: 8, reason: expect.stringContaining('"not known"') }]);
    expect(preview.total).toBe(4);
    const done = await rt.call('cases.commitImport', {
      ...upload(inspectionId, bytes, 'northshire.xlsx'),
      mapping: preview.mapping,
    });
    expect(done.imported).toBe(3);
    expect(storedRows(rt).map((r) => r.case_ref)).toEqual(['W-1', 'W-2', 'W-3']);

    const other = await rt.call('cases.previewImport', { ...upload(inspectionId, bytes, 'northshire.xlsx'), sheet: 'Notes' });
    expect(other.sheet).toBe('Notes');
    expect(other.blocker).toBe('Choose the column that holds the case reference.');
  });

  it('reads dates in the 1904 date system as the same days', async () => {
    const { rt, inspectionId } = await setUp();
    const rows = [header, ['D-1', new Date(Date.UTC(2015, 2, 2)), 'CIN', 'CSC']];
    const bytes1900 = await workbookBytes([{ name: 'List', rows, dateColumns: [2] }]);
    const bytes1904 = await workbookBytes([{ name: 'List', rows, dateColumns: [2] }], { date1904: true });
    // 2 March 2015 is serial 42065 in the 1900 system and 40603 in the 1904 system.
    expect(sheetXml(bytes1900)).toContain('<v>42065</v>');
    expect(sheetXml(bytes1904)).toContain('<v>40603</v>');
    for (const bytes of [bytes1900, bytes1904]) {
      const preview = await rt.call('cases.previewImport', upload(inspectionId, bytes, 'dates.xlsx'));
      expect(preview.rows[0]).toMatchObject({ caseRef: 'D-1', ageBand: '10-15' });
    }
  });

  it('a damaged workbook is refused with a sentence', async () => {
    const { rt, inspectionId } = await setUp();
    const bytes = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    await expect(rt.call('cases.previewImport', upload(inspectionId, bytes, 'broken.xlsx'))).rejects.toThrow(
      /could not be opened/,
    );
  });
});
